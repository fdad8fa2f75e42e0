"""810 Invoice (4010), with the ITA allowance loop of earlier releases kept for partners
that still send it (it sits where 4010 has SR, before the SAC loop)."""

from __future__ import annotations

from ..spec import Loop
from .build import MANY, loop, transaction_set, use


def _party_loop() -> Loop:
    return loop(
        "N1",
        "O",
        200,
        use("N1", "O"),
        use("N2", "O", 2),
        use("N3", "O", 2),
        use("N4", "O", 1),
        use("REF", "O", 12),
        use("PER", "O", 3),
    )


IN_810 = transaction_set(
    "810",
    "Invoice",
    "IN",
    # heading
    use("ST", "M"),
    use("BIG", "M"),
    use("NTE", "O", 100),
    use("CUR", "O", 1),
    use("REF", "O", 12),
    use("PER", "O", 3),
    _party_loop(),
    use("ITD", "O", MANY),
    use("DTM", "O", 10),
    use("FOB", "O", 1),
    use("PID", "O", 200),
    use("MEA", "O", 40),
    use("PWK", "O", 25),
    use("PKG", "O", 25),
    use("L7", "O", 1),
    loop("N9", "O", 1, use("N9", "O"), use("MSG", "O", 10)),
    # detail
    loop(
        "IT1",
        "O",
        200000,
        use("IT1", "O"),
        use("QTY", "O", 5),
        use("CUR", "O", 1),
        use("IT3", "O", 5),
        use("TXI", "O", 10),
        use("CTP", "O", 25),
        use("MEA", "O", 40),
        loop("PID", "O", 1000, use("PID", "O"), use("MEA", "O", 10)),
        use("PWK", "O", 25),
        use("PKG", "O", 25),
        use("PO4", "O", 1),
        use("ITD", "O", 2),
        use("REF", "O", MANY),
        use("PER", "O", 5),
        use("SDQ", "O", 500),
        use("DTM", "O", 10),
        use("CAD", "O", MANY),
        use("L7", "O", MANY),
        loop("ITA", "O", 10, use("ITA", "O"), use("TXI", "O", 10)),
        loop("SAC", "O", 25, use("SAC", "O"), use("TXI", "O", 10)),
        loop(
            "SLN",
            "O",
            1000,
            use("SLN", "O"),
            use("DTM", "O", 1),
            use("REF", "O", MANY),
            use("PID", "O", 1000),
            use("ITA", "O", 10),
            use("SAC", "O", 25),
            use("TXI", "O", 10),
        ),
        _party_loop(),
    ),
    # summary; partners (Walmart among them) send the shipment summary before the totals
    loop("ISS", "O", MANY, use("ISS", "O"), use("PID", "O", 1)),
    use("TDS", "M"),
    use("TXI", "O", 10),
    use("CAD", "O", 1),
    use("AMT", "O", MANY),
    loop("ITA", "O", 10, use("ITA", "O"), use("TXI", "O", 10)),
    loop("SAC", "O", 25, use("SAC", "O"), use("TXI", "O", 10)),
    loop("ISS", "O", MANY, use("ISS", "O"), use("PID", "O", 1)),
    use("CTT", "O", 1),
    use("SE", "M"),
)
