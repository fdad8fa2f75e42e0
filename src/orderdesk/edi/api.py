"""EDI and intake over REST. Thin by rule: parse, call one service or selector, return."""

from ninja import Router

router = Router(tags=["edi"])
