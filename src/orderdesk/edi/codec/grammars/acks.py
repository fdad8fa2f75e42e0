"""997 Functional Acknowledgment (4010) and 999 Implementation Acknowledgment (5010)."""

from __future__ import annotations

from .build import MANY, loop, transaction_set, use

#: 997: one AK2 loop per set acknowledged, AK3/AK4 for each segment and element in error.
FA_997 = transaction_set(
    "997",
    "Functional Acknowledgment",
    "FA",
    use("ST", "M"),
    use("AK1", "M"),
    loop(
        "AK2",
        "O",
        999999,
        use("AK2", "O"),
        loop(
            "AK3",
            "O",
            999999,
            use("AK3", "O"),
            use("AK4", "O", 99),
        ),
        use("AK5", "M"),
    ),
    use("AK9", "M"),
    use("SE", "M"),
)

#: 999: the 5010 successor, with IK3/IK4/IK5 and CTX context segments.
IA_999 = transaction_set(
    "999",
    "Implementation Acknowledgment",
    "FA",
    use("ST", "M"),
    use("AK1", "M"),
    loop(
        "AK2",
        "O",
        MANY,
        use("AK2", "O"),
        loop(
            "IK3",
            "O",
            MANY,
            use("IK3", "O"),
            use("CTX", "O", 10),
            loop(
                "IK4",
                "O",
                MANY,
                use("IK4", "O"),
                use("CTX", "O", 10),
            ),
        ),
        use("IK5", "M"),
    ),
    use("AK9", "M"),
    use("SE", "M"),
)
