"""Code lists for the elements we act on, and the "did you mean EA?" a clerk reads.

A list here is either complete enough to reject with (purpose, PO type, acknowledgment and
line status, change type, hierarchical level, 997 codes, envelope codes) or, for the long
X12 lists (units, entities, id qualifiers, product qualifiers, dates), a broad set of the
codes real partners send. Reference qualifiers (128) run to over a thousand codes, so REF01
is not checked against a list; `REFERENCE_QUALIFIERS` names the ones our services read.
"""

from __future__ import annotations

import difflib


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- envelope ---------------------------------------------------------------------------

#: ISA01 Authorization Information Qualifier
AUTHORIZATION_QUALIFIERS = _codes("00 01 02 03 04 05 06 07 08")
#: ISA03 Security Information Qualifier
SECURITY_QUALIFIERS = _codes("00 01")
#: ISA05/ISA07 Interchange ID Qualifier
INTERCHANGE_ID_QUALIFIERS = _codes(
    "01 02 03 04 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 "
    "31 32 33 34 35 36 37 38 AM NR SA SN ZZ"
)
#: ISA14 Acknowledgment Requested
ACK_REQUESTED = _codes("0 1")
#: ISA15 Usage Indicator (I: information, 5010)
USAGE_INDICATORS = _codes("I P T")
#: GS07 Responsible Agency Code
RESPONSIBLE_AGENCIES = _codes("T X")
#: GS01 Functional Identifier Code (the ones of our sets and their acknowledgements, and
#: the other common groups a partner may send us by mistake)
FUNCTIONAL_IDS = _codes(
    "PO PC PR SH IN FA IB AG AR AS BE CA CT DX GF HB HC HI HN HP HR HS IM IO LB MA MM NL OC OG "
    "OW PD PG PI PQ PS PT PU PV QG QM QO RA RC RJ RM RN RS SC SD SM SN SR SS SV SW TI TM TX "
    "UW WA WB WG WH WR WT"
)
#: TA104 Interchange Acknowledgment Code
TA1_ACK_CODES = _codes("A E R")
#: TA105 Interchange Note Code
TA1_NOTE_CODES = frozenset(f"{n:03d}" for n in range(0, 33))

# -- purchase orders and their answers -----------------------------------------------------

#: 353 Transaction Set Purpose Code (BEG01, BCH01, BAK01, BSN01, BIA01, BIG09 …)
PURPOSES = _codes(
    "00 01 02 03 04 05 06 07 08 10 11 12 13 14 15 16 17 18 19 20 21 22 24 25 26 27 28 30 31 "
    "32 33 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 77 CN CO EX GR "
    "PR RH RV SU ZZ"
)
#: 92 Purchase Order Type Code (BEG02, BCH02)
PO_TYPES = _codes(
    "BE BK BL BY CF CN CO CP DR DS EO GS IN KC KN LS NE NP NS OS PR RA RC RE RL RN RO RR RT RU "
    "SA SD SP SS ST SW TH US WO ZZ"
)
#: 587 Acknowledgment Type (BAK02)
ACK_TYPES = _codes("AC AD AE AH AK AP AT NA RD RF RJ RN RO RV ZZ")
#: 668 Line Item Status Code (ACK01)
LINE_STATUSES = _codes("AA AC AR BP DR IA IB IC ID IE IF IH IP IQ IR IS IW R1 R2 R3 R4 SP")
#: 670 Change or Response Type Code (POC02)
CHANGE_TYPES = _codes("AC AI CA CB CT DI MU NC OC PC PQ PR PS QD QI RA RB RC RE RM RQ RS RZ SC TI")
#: 735 Hierarchical Level Code (HL03) — shipment, order, tare (pallet), pack, item
HL_LEVELS = _codes("S O T P I D E Q F G V 1 2 3 4 5 6 7 8 9 A B C F H J K L M PH U ML")

#: 355 Unit or Basis for Measurement Code: the full X12 list (5010, a superset of 4010)
UNITS = _codes(
    "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F 1G 1H 1I 1J "
    "1K 1L 1M 1N 1O 1P 1Q 1R 1T 1X 20 21 22 23 24 25 26 27 28 29 2A 2B 2C 2D 2F 2G 2H 2I 2J "
    "2K 2L 2M 2N 2P 2Q 2R 2U 2V 2W 2X 2Y 2Z 30 31 32 33 34 35 36 37 38 39 3B 3C 3E 3F 3G 3H "
    "3I 40 41 43 44 45 46 47 48 4A 4B 4C 4D 4E 4F 4G 4I 4J 4K 4L 4M 4N 4O 4P 4Q 4R 4S 4T 4U "
    "4V 4W 4X 50 51 52 53 54 56 57 58 59 5A 5B 5C 5D 5E 5F 5G 5H 5I 5J 5K 5P 5Q 60 61 62 63 "
    "64 65 66 67 68 69 70 71 72 73 74 76 77 78 79 80 81 82 83 84 85 86 87 89 8C 8D 8P 8R 8S "
    "8U 90 91 92 93 94 95 96 97 98 99 A8 AA AB AC AD AE AF AG AH AI AJ AK AL AM AN AO AP AQ "
    "AR AS AT AU AV AW AX AY AZ B0 B1 B2 B3 B4 B5 B6 B7 B8 B9 BA BB BC BD BE BF BG BH BI BJ "
    "BK BL BM BN BO BP BQ BR BS BT BU BV BW BX BY BZ C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC "
    "CD CE CF CG CH CI CJ CK CL CM CN CO CP CQ CR CS CT CU CV CW CX CY CZ D1 D2 D3 D5 D8 D9 "
    "DA DB DC DD DE DF DG DH DI DJ DK DL DM DN DO DP DQ DR DS DT DU DW DX DY DZ E1 E3 E4 E5 "
    "E7 E8 E9 EA EB EC ED EE EF EG EH EJ EM EP EQ EV EX EY EZ F1 F2 F3 F4 F5 F6 F9 FA FB FD "
    "FE FF FG FH FJ FK FL FM FO FP FR FS FT FZ G2 G3 G4 G5 G6 G7 G8 G9 GA GB GC GD GE GF GG "
    "GH GI GJ GK GL GM GN GO GP GQ GR GS GT GU GV GW GX GY GZ H1 H2 H3 H4 H5 H6 H7 H8 H9 HA "
    "HB HC HD HE HF HG HH HI HJ HK HL HM HN HO HP HQ HR HS HT HU HV HW HY HZ IA IB IC IE IF "
    "IG IH II IK IL IM IN IP IS IT IU IV IW J1 J2 J3 J4 J5 J6 J7 J8 J9 JA JB JC JE JG JK JL "
    "JM JN JO JP JR JS JT JU JV JX K1 K2 K3 K4 K5 K6 K7 K9 KA KB KC KD KE KF KG KH KI KJ KK "
    "KL KM KO KP KQ KR KT KU KV KW KX L1 L2 LA LB LC LE LF LG LH LI LJ LK LL LM LN LO LP LQ "
    "LR LS LT LX LY M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 MA MB MC MD ME MF MG MH MI MJ MK ML MM MN "
    "MO MP MQ MR MS MT MU MV MW MX MY MZ N1 N2 N3 N4 N6 N7 N9 NA NB NC ND NE NF NG NH NI NJ "
    "NK NL NM NN NQ NR NS NT NU NV NW NX NY OA OC ON OP OT OZ P0 P1 P2 P3 P4 P5 P6 P7 P8 P9 "
    "PA PB PC PD PE PF PG PH PI PJ PK PL PM PN PO PP PQ PR PS PT PU PV PW PX PY PZ Q1 Q2 Q3 "
    "Q4 Q5 Q6 Q7 QA QB QC QD QE QH QK QR QS QT QU R1 R2 R3 R4 R5 R6 R7 R8 R9 RA RB RC RD RE "
    "RG RH RK RL RM RN RO RP RS RT RU S1 S2 S3 S4 S5 S6 S7 S8 S9 SA SB SC SD SE SF SG SH SI "
    "SJ SK SL SM SN SO SP SQ SR SS ST SV SW SX SY SZ T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 TA TB TC "
    "TD TE TF TG TH TI TJ TK TL TM TN TO TP TQ TR TS TT TU TV TW TX TY TZ U1 U2 U3 U5 UA UB "
    "UC UD UE UF UH UL UM UN UP UQ UR US UT UU UV UW UX UY UZ V1 V2 VA VC VI VP VR VS W2 WA "
    "WB WD WE WG WH WI WK WM WP WR WW X1 X2 X3 X4 X5 X6 X7 X8 X9 XP Y1 Y2 Y3 Y4 YD YL YR YT "
    "Z1 Z2 Z3 Z4 Z5 Z6 Z7 Z8 Z9 ZA ZB ZC ZD ZE ZF ZG ZH ZI ZJ ZK ZL ZM ZN ZO ZP ZQ ZR ZS ZW "
    "ZX ZY ZZ"
)

#: 98 Entity Identifier Code: the parties of order, shipping and billing documents
ENTITIES = _codes(
    "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 1P 2L 31 40 41 "
    "AA AB AD AE AF AG AH AI AK AL AM AN AO AP AQ AR AS AT AU AV AW AX AY AZ "
    "B1 B2 B3 B4 B5 B6 B7 B8 B9 BA BB BC BD BE BF BG BH BI BJ BK BL BN BO BP BQ BR BS BT BU "
    "BV BW BX BY BZ "
    "C1 C2 C3 C4 C5 C8 C9 CA CB CC CD CE CF CG CH CI CJ CK CL CM CN CO CP CQ CR CS CT CU CV "
    "CW CX CY CZ "
    "DA DB DC DD DE DF DG DH DI DJ DK DL DM DN DO DP DQ DR DS DT DU DV DW DX DY DZ "
    "EA EB EC ED EE EF EG EH EI EJ EK EL EM EN EO EP EQ ER ES ET EU EV EW EX EY EZ "
    "FA FB FC FD FE FF FG FH FI FJ FL FM FN FO FP FQ FR FS FT FU FV FW FX FY FZ "
    "GA GB GC GD GE GF GG GH GI GJ GK GL GM GN GO GP GR GS GT GU GV GW GX GY GZ "
    "HA HB HC HD HE HF HH HI HK HM HN HO HP HQ HR HS HT HU HV HW HX HY HZ "
    "I1 I3 I4 I9 IA IB IC ID IE IF IG IH II IJ IK IL IM IN IO IP IQ IR IS IT IU IV IW IX IY "
    "IZ "
    "JA JB JC JD JE JF JG JH JI JJ JK JL JM JN JO JP JR JS JT JU JV JW JX JY JZ "
    "KA KB KC KD KE KF KG KH KI KJ KK KL KM KN KO KP KQ KR KS KT KU KV KW KX KY KZ "
    "L1 L2 L3 L5 L8 L9 LA LB LC LD LE LF LG LH LI LJ LK LL LM LN LO LP LQ LR LS LT LU LV LW "
    "LX LY LZ "
    "M1 M2 M3 M4 M5 M6 M7 M8 M9 MA MB MC MD ME MF MG MH MI MJ MK ML MM MN MO MP MQ MR MS MT "
    "MU MV MW MX MY MZ "
    "N1 N2 N3 N4 N5 N6 N7 N8 N9 NA NB NC ND NE NF NG NH NI NJ NK NL NM NN NO NP NQ NR NS NT "
    "NU NV NW NX NY NZ "
    "OA OB OC OD OE OF OG OH OI OL OM ON OO OP OR OS OT OU OV OW OX OY OZ "
    "P0 P1 P2 P3 P4 P5 P6 P7 P8 P9 PA PB PC PD PE PF PG PH PI PJ PK PL PM PN PO PP PQ PR PS "
    "PT PU PV PW PX PY PZ "
    "Q1 Q2 Q3 Q4 Q5 Q6 Q7 Q8 Q9 QA QB QC QD QE QF QG QH QI QJ QK QL QM QN QO QP QQ QR QS QT "
    "QU QV QW QX QY QZ "
    "R1 R2 R3 R4 R5 R6 R7 R8 R9 RA RB RC RD RE RF RG RH RI RJ RK RL RM RN RO RP RQ RR RS RT "
    "RU RV RW RX RY RZ "
    "S1 S2 S3 S4 S5 S6 S7 S8 S9 SA SB SC SD SE SF SG SH SI SJ SK SL SM SN SO SP SQ SR SS ST "
    "SU SV SW SX SY SZ "
    "T1 T2 T3 T4 T6 T8 T9 TA TB TC TD TE TF TG TH TI TJ TK TL TM TN TO TP TQ TR TS TT TU TV "
    "TW TX TY TZ "
    "UA UB UC UD UE UF UG UH UI UJ UK UL UM UN UO UP UQ UR US UT UU UW UX UY UZ "
    "V1 V2 V3 V4 V5 V6 V8 V9 VA VB VC VD VE VF VG VH VI VJ VK VL VM VN VO VP VQ VR VS VT VU "
    "VV VW VX VY VZ "
    "W1 W2 W3 W4 W8 W9 WA WB WC WD WE WF WG WH WI WJ WL WN WO WP WR WS WT WU WV WW WX WY WZ "
    "X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XC XD XE XF XG XH XI XJ XK XL XM XN XO XP XQ XR XS XT XU "
    "XV XW XX XY XZ "
    "Y2 YA YB YC YD YE YF YG YH YI YJ YK YL YM YN YO YP YQ YR YS YT YU YV YW YX YY YZ "
    "Z1 Z2 Z3 Z4 Z5 Z6 Z7 Z8 Z9 ZA ZB ZC ZD ZE ZF ZG ZH ZJ ZK ZL ZM ZN ZO ZP ZQ ZR ZS ZT ZU ZV "
    "ZW ZX ZY ZZ "
    "ALT BUS CIS CMN CON DCP DUN EAR ENR FEO FNS GSI IIS INS LAB MAN MNF OPR PAY PER PRP PRV "
    "RRA SEP SHP SUP TOP TPM TPR TTP VER"
)
#: 66 Identification Code Qualifier (N103, TD502 …)
ID_QUALIFIERS = (
    frozenset(str(n) for n in range(1, 10))
    | frozenset(f"{n:02d}" for n in range(10, 100))
    | _codes(
        "A1 A2 A3 A4 A5 A6 AC AD AE AP BC BD BE BG BP BS C CA CB CC CD CE CF CI CM CP CR CS D DG "
        "DN DP DS E EH EI EP EQ ES F FA FB FC FD FI FJ FN G GC HN I ID LC LD LE LN M MA MC MI MN "
        "MP MR NA NI ND NO OC PA PB PC PI PP PR RC RD RT S SA SB SD SF SI SJ SL SP ST SV SW TA TC "
        "TL TS TX UC UL UR US WR ZC ZN ZY ZZ"
    )
)
#: 235 Product/Service ID Qualifier: item identifiers of trade (GTIN, UPC, buyer's and
#: vendor's numbers, book and music identifiers, colours, sizes, descriptions …)
PRODUCT_QUALIFIERS = _codes(
    "A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD AE AF AG AI AJ AK AN AO AP AQ AR AT AU AV AW AX "
    "AY AZ "
    "B1 B2 B3 B4 B5 B6 B7 B8 B9 BA BB BC BD BE BF BG BH BI BJ BK BL BM BN BO BP BQ BR BS BT "
    "BU BV BW BX BY BZ "
    "C1 C2 C3 C4 C5 CA CB CC CD CE CF CG CH CI CJ CK CL CM CN CO CP CQ CR CS CT CU CV CW CX "
    "CY CZ "
    "D2 D3 D4 D5 D6 D7 D8 D9 DA DB DC DD DE DF DG DH DI DJ DK DL DM DN DO DP DR DS DT DU DV "
    "DW DX DY DZ "
    "EA EB EC ED EE EF EG EH EI EM EN EO EP EQ ER ES EU EV EW EX EZ "
    "F1 F2 F3 F4 F5 FA FB FC FD FE FF FG FH FI FJ FK FL FM FN FO FP FR FS FT FW "
    "GB GC GD GE GI GK GN GQ GR GS GU HD HI HN HP HS "
    "IA IB IC ID IE IG II IM IN IP IR IS IT IV IW IZ "
    "JP JS KN KP LA LD LG LL LM LO LR LS LT LU "
    "M1 M2 M3 M4 M5 M6 M7 M8 MA MB MC MD ME MF MG MH MI MJ MK ML MM MN MP MR MS MT MU MV MW "
    "MX MY MZ "
    "N1 N2 N3 N4 N5 N6 N7 N8 N9 NB NC ND NE NG NH NN NP NR NS NT NU NW "
    "OA OB OC OE OF OG OI ON OP OR OS OT OU OW "
    "P1 P2 P3 P4 P5 P6 P7 P8 P9 PA PB PC PD PE PF PG PH PI PJ PK PL PM PN PO PP PQ PR PS PT "
    "PU PV PW PX PY PZ "
    "QA QB QC QD QE QF QG QH QI QJ QK QL QM QN QO QP QQ QR QS QT QU QV QW QX QY QZ "
    "RA RB RC RD RE RF RG RH RI RJ RK RL RM RN RO RP RQ RR RS RT RU RV RW RY RZ "
    "S1 S2 S3 S4 S5 S6 S7 S8 S9 SA SB SC SD SE SF SG SH SI SK SL SM SN SO SP SQ SR SS ST SU "
    "SV SW SX SY SZ "
    "TA TB TC TD TE TF TG TH TI TM TN TP TR TS TT TU TV TW TX TY TZ "
    "U2 U3 U4 U5 U6 UA UB UC UD UE UF UG UH UI UJ UK UL UM UN UP UQ UR US UT UU UV UW UX UY "
    "UZ "
    "VA VB VC VE VN VO VP VQ VS VT VU VV VX VY "
    "WA WC WD WF WG WH WK WL WR WS WT WW WZ "
    "XA XB XC XD XE XG XH XI XJ XK XL XM XN XO XP XQ XR XS XT XU XV XW XX XY XZ "
    "YA YB YC YD YE YF YG YH YI YJ YK YL YM YN YO YP YQ YR YS YT YV YW YX YY YZ "
    "ZA ZB ZC ZD ZE ZF ZG ZH ZI ZJ ZK ZL ZM ZN ZO ZP ZQ ZR ZS ZT ZU ZV ZW ZX ZY ZZ"
)
#: 374 Date/Time Qualifier: every three-digit code and the lettered ones in use
DATE_QUALIFIERS = frozenset(f"{n:03d}" for n in range(1, 1000)) | _codes(
    "AA1 AA2 AA3 AA4 AA5 AA6 AA7 AA8 AA9 AAA AAB AAC AAD AAE AAF AAG AAH AAI AAJ AAK AAL AAM "
    "AAN AAO AAP AAQ AAR AAS AAT AAU AAV AAW AAX AAY AAZ AB1 AB2 AB3 AB4 AB5 AB6 AB7 AB8 AB9 "
    "ABA ABB ABC ABD ABE ABF ABG ABH ABI ABJ ABK ABL ABM ABN ABO ABP ABQ ABR ABS ABT ABU ABV "
    "ABW ABX ABY ABZ ACA ACB ACC ACD ACE ACF ACG ACH ACI ACJ ACK ACL ACM ACN ACO ACP ACQ ACR "
    "ACS ACT ACU ACV ACW ACX ACY ACZ ADA ADB ADC ADD ADE ADF ADG ADH ADI ADJ ADK ADL ADM ADN "
    "ADO ADP ADQ ADR ADS ADT ADU ADV ADW ADX ADY ADZ AEA AEB AEC AED AEE AEF AEG AEH AEI AEJ "
    "AEK AEL AEM AEN AEO AEP AEQ AER AES AET AEU AEV AEW AEX AEY AEZ "
    "BBD CCL CCM CRE DDO EFF EXP FSD ISS LDE LEA LEL LPD PDT RAP SHP TBD"
)
#: 128 Reference Identification Qualifier: the ones our services read (not enforced on
#: REF01, whose full list is over a thousand codes)
REFERENCE_QUALIFIERS = _codes(
    "AN BM CN CO CR CT DP IA IV IT MR PD PK PO PS SI VN VR ZZ 2I BL CA DO IL LO PL VC"
)

# -- 997 / 999 ---------------------------------------------------------------------------

#: 715 Functional Group Acknowledge Code (AK901)
GROUP_ACK_CODES = _codes("A E M P R W X")
#: 716 Functional Group Syntax Error Code (AK905…)
GROUP_ERRORS = _codes("1 2 3 4 5 6 15 16 17 18 19 20 21 22 23 24 25 26")
#: 717 Transaction Set Acknowledgment Code (AK501, IK501)
SET_ACK_CODES = _codes("A E M R W X")
#: 718 Transaction Set Syntax Error Code (AK502…, IK502…)
SET_ERRORS = _codes("1 2 3 4 5 6 7 8 9 10 11 12 13 15 16 17 18 19 23 24 25 26 27 I5 I6")
#: 720 Segment Syntax Error Code (AK304, IK304)
SEGMENT_ERRORS = _codes("1 2 3 4 5 6 7 8 I4 I6 I7 I8 I9")
#: 723 Data Element Syntax Error Code (AK403, IK403)
ELEMENT_ERRORS = _codes("1 2 3 4 5 6 7 8 9 10 12 13 I10 I11 I12 I13 I6 I9")


# -- suggestions ---------------------------------------------------------------------------

#: Per element reference: the code lists above by the X12 element number.
BY_REF: dict[str, frozenset[str]] = {
    "I01": AUTHORIZATION_QUALIFIERS,
    "I03": SECURITY_QUALIFIERS,
    "I05": INTERCHANGE_ID_QUALIFIERS,
    "I13": ACK_REQUESTED,
    "I14": USAGE_INDICATORS,
    "I17": TA1_ACK_CODES,
    "I18": TA1_NOTE_CODES,
    "455": RESPONSIBLE_AGENCIES,
    "479": FUNCTIONAL_IDS,
    "353": PURPOSES,
    "92": PO_TYPES,
    "587": ACK_TYPES,
    "668": LINE_STATUSES,
    "670": CHANGE_TYPES,
    "735": HL_LEVELS,
    "355": UNITS,
    "98": ENTITIES,
    "66": ID_QUALIFIERS,
    "235": PRODUCT_QUALIFIERS,
    "374": DATE_QUALIFIERS,
    "715": GROUP_ACK_CODES,
    "716": GROUP_ERRORS,
    "717": SET_ACK_CODES,
    "718": SET_ERRORS,
    "720": SEGMENT_ERRORS,
    "723": ELEMENT_ERRORS,
}

#: What clerks and spreadsheets write, and the code they mean. Keyed by element reference.
SYNONYMS: dict[str, dict[str, str]] = {
    "355": {
        "EACH": "EA",
        "EACHES": "EA",
        "EAC": "EA",
        "E": "EA",
        "UNIT": "EA",
        "UNITS": "EA",
        "CASE": "CA",
        "CASES": "CA",
        "CSE": "CA",
        "PC": "PC",
        "PCS": "PC",
        "PIECE": "PC",
        "PIECES": "PC",
        "DOZ": "DZ",
        "DOZEN": "DZ",
        "DOZENS": "DZ",
        "BOX": "BX",
        "BOXES": "BX",
        "PACK": "PK",
        "PACKS": "PK",
        "PKG": "PK",
        "PACKAGE": "PK",
        "PAIR": "PR",
        "PAIRS": "PR",
        "POUND": "LB",
        "POUNDS": "LB",
        "LBS": "LB",
        "KILO": "KG",
        "KILOS": "KG",
        "KGS": "KG",
        "KILOGRAM": "KG",
        "KILOGRAMS": "KG",
        "FOOT": "FT",
        "FEET": "FT",
        "METER": "MR",
        "METERS": "MR",
        "METRE": "MR",
        "METRES": "MR",
        "GALLON": "GA",
        "GALLONS": "GA",
        "GAL": "GA",
        "LITER": "LT",
        "LITERS": "LT",
        "LITRE": "LT",
        "LITRES": "LT",
        "PALLET": "PL",
        "PALLETS": "PL",
        "PLT": "PL",
        "ROLL": "RL",
        "ROLLS": "RL",
        "SHEET": "SH",
        "SHEETS": "SH",
        "KIT": "KT",
        "KITS": "KT",
        "SET": "ST",
        "SETS": "ST",
        "M": "MR",
        "CARTON": "CT",
        "CARTONS": "CT",
        "CTN": "CT",
        "BAG": "BG",
        "BAGS": "BG",
        "BOTTLE": "BO",
        "BOTTLES": "BO",
        "DRUM": "DR",
        "DRUMS": "DR",
        "GROSS": "GR",
        "HUNDRED": "HU",
        "THOUSAND": "TH",
        "INCH": "IN",
        "INCHES": "IN",
        "YARD": "YD",
        "YARDS": "YD",
        "OUNCE": "OZ",
        "OUNCES": "OZ",
        "TON": "TN",
        "TONS": "TN",
        "TUBE": "TB",
        "TUBES": "TB",
        "CAN": "CN",
        "CANS": "CN",
        "BUNDLE": "BD",
        "BUNDLES": "BD",
        "SQFT": "SF",
        "HOUR": "HR",
        "HOURS": "HR",
    },
    "98": {
        "SHIPTO": "ST",
        "SHIP TO": "ST",
        "BILLTO": "BT",
        "BILL TO": "BT",
        "BUYER": "BY",
        "VENDOR": "VN",
        "SUPPLIER": "SU",
        "SHIPFROM": "SF",
        "SHIP FROM": "SF",
        "REMIT": "RI",
        "REMITTO": "RI",
        "CARRIER": "CA",
    },
    "235": {
        "UPC": "UP",
        "GTIN": "UK",
        "EAN": "EN",
        "SKU": "SK",
        "ISBN": "IB",
        "BUYER": "BP",
        "VENDOR": "VP",
    },
}


def codes_for(element_ref: str) -> frozenset[str] | None:
    return BY_REF.get(element_ref)


def suggest(element_ref: str, value: str) -> str | None:
    """The code a clerk most likely meant by `value` for element number `element_ref`
    ("355"), or None when nothing is close: words first ("EACH", "CASE") from the synonym
    table, then difflib for typos ("EAA")."""
    known = BY_REF.get(element_ref)
    if known is None:
        return None
    text = value.strip().upper()
    if not text:
        return None
    if text in known:
        return text
    synonym = SYNONYMS.get(element_ref, {}).get(text)
    if synonym is not None and synonym in known:
        return synonym
    # A unit written with its plural or a trailing dot: "EAS", "CS."
    stripped = text.rstrip(".S")
    if stripped in known and len(stripped) >= 2:
        return stripped
    # A long word is a description, not a mistyped code: no guess beats a wrong guess.
    lengths = {len(code) for code in known}
    pool = sorted(known) if len(known) < 2000 else sorted(c for c in known if not c.isdigit())
    if len(text) > max(lengths) + 3:
        return None
    close = difflib.get_close_matches(text, pool, n=1, cutoff=0.6)
    return close[0] if close else None
