"""850 Purchase Order, 860 Purchase Order Change, 855 Purchase Order Acknowledgment (4010).

Tables follow the standard's heading / detail / summary order with the segments partners
actually send; rarely used segments of the full standard (PAM, TC2, DIS, INC, PCT, CTB, LM,
ADV, NX2 …) are left out, so a file carrying one is reported as an unexpected segment.
"""

from __future__ import annotations

from ..spec import Loop, Use
from .build import MANY, loop, transaction_set, use

Entry = Use | Loop


def carrier_uses(td1: int = 2) -> tuple[Use, ...]:
    return (
        use("TD1", "O", td1),
        use("TD5", "O", 12),
        use("TD3", "O", 12),
        use("TD4", "O", 5),
    )


def heading_n1(*, msg: bool = False) -> Loop:
    """The parties of a purchase-order heading: buyer, ship-to, bill-to, vendor …"""
    body: list[Entry] = [
        use("N1", "O"),
        use("N2", "O", 2),
        use("N3", "O", 2),
        use("N4", "O", MANY),
        use("REF", "O", 12),
        use("PER", "O", MANY),
        use("SI", "O", MANY),
        use("FOB", "O", 1),
        *carrier_uses(),
        use("PKG", "O", 200),
    ]
    if msg:
        body.append(use("MSG", "O", MANY))
    return loop("N1", "O", 200, *body)


def line_n1() -> Loop:
    """A party within a line: the ship-to of a split shipment, the end user …"""
    return loop(
        "N1",
        "O",
        200,
        use("N1", "O"),
        use("N2", "O", 2),
        use("N3", "O", 2),
        use("N4", "O", 1),
        use("QTY", "O", MANY),
        use("REF", "O", 12),
        use("PER", "O", 3),
        use("SI", "O", MANY),
        use("DTM", "O", 1),
        use("FOB", "O", 1),
        use("SCH", "O", 200),
        *carrier_uses(),
        use("PKG", "O", 200),
    )


def n9_loop(*, mea: bool = False) -> Loop:
    body: list[Entry] = [use("N9", "O"), use("DTM", "O", MANY)]
    if mea:
        body.append(use("MEA", "O", 40))
    body.append(use("MSG", "O", 1000))
    return loop("N9", "O", 1000, *body)


def sac_loop(*, ctp: bool = False) -> Loop:
    body: list[Entry] = [use("SAC", "O"), use("CUR", "O", 1)]
    if ctp:
        body.append(use("CTP", "O", 1))
    return loop("SAC", "O", 25, *body)


def schedule_loop() -> Loop:
    return loop("SCH", "O", 200, use("SCH", "O"), *carrier_uses(), use("REF", "O", MANY))


def summary() -> tuple[Entry, ...]:
    return (
        loop("CTT", "O", 1, use("CTT", "O"), use("AMT", "O", 1)),
        use("SE", "M"),
    )


def order_heading(beginning: str) -> tuple[Entry, ...]:
    """The heading the 850, 860 and 855 share after their beginning segment."""
    return (
        use("ST", "M"),
        use(beginning, "M"),
        use("CUR", "O", 1),
        use("REF", "O", MANY),
        use("PER", "O", 3),
        use("TAX", "O", MANY),
        use("FOB", "O", MANY),
        use("CTP", "O", MANY),
        use("CSH", "O", 5),
        sac_loop(),
        use("ITD", "O", MANY),
        use("DTM", "O", 10),
        use("LDT", "O", 12),
        use("LIN", "O", 5),
        use("SI", "O", MANY),
        use("PID", "O", 200),
        use("MEA", "O", 40),
        use("PWK", "O", 25),
        use("PKG", "O", 200),
        *carrier_uses(),
        use("MAN", "O", 10),
        use("TXI", "O", MANY),
        loop("AMT", "O", MANY, use("AMT", "O"), use("REF", "O", MANY), use("DTM", "O", 1)),
        n9_loop(),
    )


def line_body(trigger: str, req: str, *, ack: bool = False) -> tuple[Entry, ...]:
    """A PO1 / POC line of the 850, 855 and 860, with what follows the line item."""
    return (
        use(trigger, req),
        use("LIN", "O", MANY),
        use("SI", "O", MANY),
        use("CUR", "O", 1),
        use("PO3", "O", 25),
        loop("CTP", "O", MANY, use("CTP", "O"), use("CUR", "O", 1)),
        use("MEA", "O", 40),
        loop("PID", "O", 1000, use("PID", "O"), use("MEA", "O", 10)),
        use("PWK", "O", 25),
        use("PO4", "O", MANY),
        use("REF", "O", MANY),
        use("PER", "O", 3),
        sac_loop(ctp=True),
        use("CSH", "O", MANY),
        use("ITD", "O", 2),
        use("TAX", "O", MANY),
        use("FOB", "O", MANY),
        use("SDQ", "O", 500),
        use("DTM", "O", 10),
        use("LDT", "O", 12),
        *carrier_uses(td1=1),
        # 855: what the seller does with the line, with its quantity and date
        *((loop("ACK", "O", 104, use("ACK", "O"), use("DTM", "O", 1)),) if ack else ()),
        use("MAN", "O", 10),
        use("AMT", "O", 1),
        use("MSG", "O", MANY),
        use("SPI", "O", MANY),
        use("TXI", "O", MANY),
        loop("QTY", "O", MANY, use("QTY", "O"), use("SI", "O", MANY)),
        loop("PKG", "O", 200, use("PKG", "O"), use("MEA", "O", MANY)),
        schedule_loop(),
        n9_loop(mea=True),
        line_n1(),
        loop(
            "SLN",
            "O",
            1000,
            use("SLN", "O"),
            use("MSG", "O", MANY),
            use("SI", "O", MANY),
            use("PID", "O", 1000),
            use("PO3", "O", 104),
            use("CTP", "O", MANY),
            use("ACK", "O", 104),
            use("DTM", "O", 10),
            use("PO4", "O", 1),
            use("TAX", "O", 3),
        ),
    )


PO_850 = transaction_set(
    "850",
    "Purchase Order",
    "PO",
    *order_heading("BEG"),
    heading_n1(),
    loop(
        "SPI",
        "O",
        MANY,
        use("SPI", "O"),
        use("REF", "O", 5),
        use("DTM", "O", 5),
        use("MSG", "O", 50),
    ),
    loop("PO1", "M", 100000, *line_body("PO1", "M")),
    *summary(),
)

PC_860 = transaction_set(
    "860",
    "Purchase Order Change Request - Buyer Initiated",
    "PC",
    *order_heading("BCH"),
    heading_n1(),
    loop("POC", "O", 100000, *line_body("POC", "O")),
    *summary(),
)

PR_855 = transaction_set(
    "855",
    "Purchase Order Acknowledgment",
    "PR",
    *order_heading("BAK"),
    heading_n1(msg=True),
    loop("PO1", "O", 100000, *line_body("PO1", "O", ack=True)),
    *summary(),
)
