"""The demo catalogue: item groups, the attributes their descriptions are built from, kits.

Each group's first attribute is its size: cost rises along it, so a 5-ton compressor costs
more than a 2-ton one and a price list looks like a real one when sorted. Compliance data
(HS codes, UN numbers, export classes) follows what a distributor's customs broker and
hazmat shipper would expect for the product, close enough to exercise every rule.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GroupSpec:
    code: str  # Item.item_group
    prefix: str  # SKU prefix
    count: int
    template: str  # description; {name} slots filled from attrs
    attrs: tuple[tuple[str, tuple[str, ...]], ...]  # first one is the size, driving cost
    cost: tuple[str, str]  # unit cost of the smallest and the largest size
    weight_g: tuple[int, int]  # per base unit, smallest to largest size
    dims_cm: tuple[int, int, int]  # largest size; smaller sizes scale down
    uom: str  # base unit
    case: int  # base units in a case (CS), 0 = not sold by the case
    pallet: int  # base units on a pallet (PL), 0 = not sold by the pallet
    tracking: str  # none, lot, serial
    hs_code: str
    origins: tuple[str, ...]
    lead_days: tuple[int, int]


GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(
        "COMPRESSORS", "CMP", 110, "{kind} compressor {size} ton {refr} {volt}",
        (("size", ("1.5", "2", "2.5", "3", "3.5", "4", "5")),
         ("kind", ("Scroll", "Reciprocating", "Rotary")),
         ("refr", ("R-410A", "R-454B", "R-22")),
         ("volt", ("208/230V 1ph", "208/230V 3ph", "460V 3ph"))),
        ("385.00", "1460.00"), (21000, 47000), (48, 30, 30), "EA", 0, 12, "serial",
        "8414.30", ("US", "MX", "TH", "CN"), (7, 21),
    ),
    GroupSpec(
        "CONDENSING_UNITS", "CDU", 50, "{kind} {size} ton {seer} SEER2 {refr} {volt}",
        (("size", ("1.5", "2", "2.5", "3", "3.5", "4", "5")),
         ("kind", ("Condensing unit", "Heat pump")),
         ("seer", ("13.4", "14.3", "15.2", "16", "17")),
         ("refr", ("R-410A", "R-454B")),
         ("volt", ("208/230V 1ph", "208/230V 3ph"))),
        ("1150.00", "3640.00"), (58000, 121000), (95, 80, 80), "EA", 0, 4, "serial",
        "8415.90", ("US", "MX"), (10, 28),
    ),
    GroupSpec(
        "CONTACTORS", "CON", 140, "{kind} contactor {poles} {amps} {coil} coil",
        (("amps", ("20A", "25A", "30A", "40A", "50A", "60A", "75A", "90A")),
         ("kind", ("Definite purpose", "IEC", "Lighting")),
         ("poles", ("1 pole", "1.5 pole", "2 pole", "3 pole")),
         ("coil", ("24V", "120V", "208/240V"))),
        ("9.40", "86.00"), (240, 1450), (12, 9, 9), "EA", 10, 0, "none",
        "8536.49", ("US", "MX", "CN"), (3, 10),
    ),
    GroupSpec(
        "CAPACITORS", "CAP", 170, "{kind} capacitor {mfd} MFD {volt} {shape}",
        (("mfd", ("5", "7.5", "10", "15", "20", "25", "30", "35", "40", "45", "50", "60",
                  "70", "80")),
         ("kind", ("Run", "Dual run", "Motor start")),
         ("volt", ("250V", "370V", "440V")),
         ("shape", ("round", "oval"))),
        ("4.10", "38.50"), (60, 420), (14, 7, 7), "EA", 10, 0, "none",
        "8532.25", ("US", "MX", "CN", "IN"), (3, 14),
    ),
    GroupSpec(
        "MOTORS", "MTR", 170, "{kind} motor {hp} HP {rpm} RPM {volt}",
        (("hp", ("1/6", "1/5", "1/4", "1/3", "1/2", "3/4", "1")),
         ("kind", ("Condenser fan", "PSC blower", "ECM blower", "Inducer", "Direct drive")),
         ("rpm", ("825", "1075", "1625")),
         ("volt", ("115V", "208-230V", "460V"))),
        ("54.00", "425.00"), (2800, 12500), (28, 20, 20), "EA", 0, 48, "none",
        "8501.40", ("US", "MX", "CN"), (5, 21),
    ),
    GroupSpec(
        "THERMOSTATS", "TST", 80, "{kind} thermostat {stages}, {feature}",
        (("kind", ("Non-programmable", "Programmable", "Commercial programmable",
                   "Wi-Fi smart", "Wi-Fi smart commercial")),
         ("stages", ("1H/1C", "2H/2C", "3H/2C heat pump", "1H heat only")),
         ("feature", ("white", "with humidity control", "with remote sensor", "battery powered",
                      "C-wire hardwired"))),
        ("18.50", "215.00"), (180, 420), (13, 10, 4), "EA", 6, 0, "none",
        "9032.10", ("US", "CN", "MX"), (3, 10),
    ),
    GroupSpec(
        "REFRIGERANT", "REF", 36, "Refrigerant {gas} {lb} lb cylinder",
        (("lb", ("10", "20", "25", "30", "50", "125")),
         ("gas", ("R-410A", "R-22 reclaimed", "R-134a", "R-404A", "R-407C", "R-422D",
                  "R-438A"))),
        ("62.00", "1380.00"), (6100, 67000), (40, 40, 55), "EA", 0, 40, "lot",
        "3827.90", ("US", "MX"), (3, 10),
    ),
    GroupSpec(
        "CHEMICALS", "CHM", 34, "{kind}, {size}",
        (("size", ("4 oz", "8 oz", "16 oz", "1 qt", "1 gal")),
         ("kind", ("PVC cement", "CPVC cement", "Duct sealant", "Coil cleaner, alkaline",
                   "Coil cleaner, acid", "Thread sealant", "Leak detector solution",
                   "Foam sealant aerosol", "POE refrigerant oil", "Mineral refrigerant oil"))),
        ("3.80", "64.00"), (140, 4300), (18, 18, 30), "EA", 12, 0, "lot",
        "3506.10", ("US",), (3, 10),
    ),
    GroupSpec(
        "FILTERS", "FLT", 220, "{kind} filter {size} MERV {merv}",
        (("size", ("14x20x1", "14x25x1", "16x20x1", "16x25x1", "18x24x1", "20x20x1", "20x25x1",
                   "24x24x1", "12x24x2", "16x20x2", "16x25x2", "18x24x2", "20x20x2", "20x25x2",
                   "24x24x2", "12x24x4", "16x25x4", "20x20x4", "20x25x4", "24x24x4")),
         ("kind", ("Pleated", "Extended-surface pleated", "Antimicrobial pleated")),
         ("merv", ("8", "11", "13", "14"))),
        ("2.10", "28.00"), (160, 1700), (62, 62, 10), "EA", 12, 480, "none",
        "8421.39", ("US", "MX"), (2, 7),
    ),
    GroupSpec(
        "BREAKERS", "BRK", 160, "Circuit breaker {poles} {amps} {volt}, {kind}",
        (("amps", ("15A", "20A", "25A", "30A", "40A", "50A", "60A", "70A", "100A")),
         ("poles", ("1 pole", "2 pole", "3 pole")),
         ("volt", ("120/240V", "240V", "480Y/277V")),
         ("kind", ("plug-on", "bolt-on", "GFCI plug-on", "AFCI plug-on"))),
        ("8.20", "245.00"), (140, 1900), (12, 8, 8), "EA", 0, 0, "none",
        "8536.20", ("US", "MX"), (3, 14),
    ),
    GroupSpec(
        "WIRE", "WIR", 110, "{kind} copper wire {gauge} AWG {color}",
        (("gauge", ("14", "12", "10", "8", "6", "4", "2")),
         ("kind", ("THHN stranded", "THHN solid", "XHHW-2 stranded", "USE-2 stranded")),
         ("color", ("black", "white", "red", "green", "blue"))),
        ("0.0850", "2.4200"), (7, 110), (0, 0, 0), "FT", 0, 0, "none",
        "8544.49", ("US",), (2, 7),
    ),
    GroupSpec(
        "CONDUIT", "CND", 110, "{size} {kind}",
        (("size", ("1/2 in", "3/4 in", "1 in", "1-1/4 in", "1-1/2 in", "2 in", "2-1/2 in",
                   "3 in", "4 in")),
         ("kind", ("EMT conduit, 10 ft", "rigid steel conduit, 10 ft", "IMC conduit, 10 ft",
                   "aluminum rigid conduit, 10 ft", "PVC Sch 40 conduit, 10 ft",
                   "PVC Sch 80 conduit, 10 ft", "EMT compression connector",
                   "EMT set-screw coupling", "one-hole conduit strap", "liquidtight connector",
                   "PVC male adapter", "conduit bushing", "liquidtight whip, 6 ft"))),
        ("0.95", "96.00"), (40, 24000), (305, 11, 11), "EA", 10, 100, "none",
        "7306.30", ("US", "CA", "MX"), (3, 10),
    ),
    GroupSpec(
        "FITTINGS", "FIT", 280, "{size} {material} {kind}",
        (("size", ("1/4 in", "3/8 in", "1/2 in", "5/8 in", "3/4 in", "7/8 in", "1-1/8 in",
                   "1-3/8 in", "1-5/8 in", "2-1/8 in")),
         ("material", ("wrot copper", "cast brass", "brass flare", "long-radius copper")),
         ("kind", ("90° elbow", "45° elbow", "coupling", "tee", "reducing coupling", "cap",
                   "street 90° elbow", "union"))),
        ("0.45", "38.00"), (8, 640), (11, 8, 6), "EA", 50, 0, "none",
        "7412.20", ("US", "MX", "CN", "IT"), (2, 10),
    ),
    GroupSpec(
        "TOOLS", "TLS", 120, "{kind}, {grade}",
        (("kind", ("Nut driver set 6 pc", "Tubing cutter 1/8–1-1/8 in", "Deburring tool",
                   "Fin comb set", "Tubing cutter 1/4–1-5/8 in", "Refrigeration ratchet wrench",
                   "Swaging tool kit", "Charging hose set 60 in", "Flaring tool 45° eccentric",
                   "Digital thermometer", "Multimeter CAT III 600V", "Digital clamp meter 400A",
                   "Pipe bender 1/4–7/8 in", "Micron gauge", "Digital clamp meter 1000A TRMS",
                   "Refrigerant scale 220 lb", "Hydraulic flaring tool", "Cordless drill 20V",
                   "Electronic leak detector, heated diode", "Combustion analyzer",
                   "Vacuum pump 3 CFM", "Vacuum pump 6 CFM", "Digital manifold 2-valve",
                   "Infrared leak detector", "Vacuum pump 8 CFM", "Digital manifold 4-valve",
                   "Refrigerant recovery machine 1/2 HP", "Vacuum pump 12 CFM",
                   "Wireless probe manifold kit", "Refrigerant recovery machine 1 HP",
                   "Press tool kit 1/2–2-1/8 in", "Thermal imaging camera",
                   "Ultrasonic leak detector", "Nitrogen regulator 800 psi", "Core removal tool",
                   "Condensate pump", "Coil cleaning sprayer", "Cordless crimper",
                   "Borescope camera", "Fish tape 100 ft")),
         ("grade", ("standard", "pro", "heavy-duty"))),
        ("12.00", "1850.00"), (120, 14000), (50, 35, 30), "EA", 0, 0, "none",
        "8205.59", ("US", "DE", "TW", "CN"), (5, 21),
    ),
    GroupSpec(
        "CONTROLS", "CTL", 200, "{kind}, {mount}, {volt}",
        (("kind", ("Time delay relay", "Fan relay", "Low-pressure switch", "High-pressure switch",
                   "Float switch", "Duct temperature sensor", "Occupancy sensor", "CO2 sensor",
                   "Defrost control board", "Furnace control board", "Actuator, spring return",
                   "Zone damper control panel", "Economizer controller",
                   "Refrigeration case controller", "Boiler sequencer",
                   "Modbus TCP interface module", "BACnet MS/TP controller",
                   "BACnet/IP building controller", "Wi-Fi cloud gateway",
                   "Variable frequency drive 1 HP", "Variable frequency drive 2 HP",
                   "Variable frequency drive 5 HP", "Variable frequency drive 10 HP")),
         ("mount", ("panel mount", "DIN-rail mount", "NEMA 4X enclosure")),
         ("volt", ("24V", "120V", "208-240V"))),
        ("11.00", "1480.00"), (90, 9800), (36, 26, 22), "EA", 0, 0, "none",
        "9032.89", ("US", "DE", "MX", "CN"), (5, 28),
    ),
)  # fmt: skip

#: Hazmat data per refrigerant or chemical word: UN number, class, packing group, name.
HAZMAT: dict[str, tuple[str, str, str, str]] = {
    "R-410A": ("UN3163", "2.2", "", "Liquefied gas, n.o.s. (Difluoromethane, Pentafluoroethane)"),
    "R-22 reclaimed": ("UN1018", "2.2", "", "Chlorodifluoromethane (Refrigerant gas R 22)"),
    "R-134a": ("UN3159", "2.2", "", "1,1,1,2-Tetrafluoroethane (Refrigerant gas R 134a)"),
    "R-404A": ("UN3337", "2.2", "", "Refrigerant gas R 404A"),
    "R-407C": ("UN3340", "2.2", "", "Refrigerant gas R 407C"),
    "R-422D": ("UN1078", "2.2", "", "Refrigerant gas, n.o.s. (R-422D)"),
    "R-438A": ("UN1078", "2.2", "", "Refrigerant gas, n.o.s. (R-438A)"),
    "PVC cement": ("UN1133", "3", "II", "Adhesives"),
    "CPVC cement": ("UN1133", "3", "II", "Adhesives"),
    "Coil cleaner, acid": (
        "UN3264", "8", "II", "Corrosive liquid, acidic, inorganic, n.o.s. (Phosphoric acid)",
    ),
    "Foam sealant aerosol": ("UN1950", "2.1", "", "Aerosols, flammable"),
}  # fmt: skip

#: HS codes that differ from the group's by one attribute value.
HS_BY_WORD: dict[str, str] = {
    "Heat pump": "8418.61",
    "R-22 reclaimed": "2903.71",
    "R-134a": "2903.45",
    "Duct sealant": "3214.10",
    "Thread sealant": "3214.10",
    "Coil cleaner, alkaline": "3402.90",
    "Coil cleaner, acid": "3402.90",
    "Leak detector solution": "3402.90",
    "Foam sealant aerosol": "3909.50",
    "POE refrigerant oil": "3403.99",
    "Mineral refrigerant oil": "2710.19",
    "PVC Sch 40 conduit, 10 ft": "3917.23",
    "PVC Sch 80 conduit, 10 ft": "3917.23",
    "PVC male adapter": "3917.40",
    "EMT compression connector": "7307.19",
    "EMT set-screw coupling": "7307.19",
    "one-hole conduit strap": "7326.90",
    "liquidtight connector": "7307.19",
    "conduit bushing": "8547.20",
    "liquidtight whip, 6 ft": "8544.42",
    "Variable frequency drive 1 HP": "8504.40",
    "Variable frequency drive 2 HP": "8504.40",
    "Variable frequency drive 5 HP": "8504.40",
    "Variable frequency drive 10 HP": "8504.40",
}

#: Export control classification by description word (mass-market encryption, EAR99 drives).
ECCN_BY_WORD: dict[str, str] = {
    "Wi-Fi": "5A992.c",
    "BACnet/IP": "5A992.c",
    "Modbus TCP": "5A992.c",
    "Thermal imaging camera": "6A993.a",
    "Variable frequency drive": "EAR99",
    "Wireless probe": "5A992.c",
}

#: Words that make an item serial-controlled although its group is not.
SERIAL_WORDS = (
    "Vacuum pump", "recovery machine", "leak detector", "Combustion analyzer",
    "Thermal imaging camera", "Variable frequency drive", "Press tool kit",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class KitSpec:
    sku: str
    description: str
    components: tuple[tuple[str, str, str], ...]  # group, a word the component has, quantity


KITS: tuple[KitSpec, ...] = (
    KitSpec("KIT-CDU-IN25", "Condenser install kit, 1.5–2.5 ton",
            (("CONTACTORS", "2 pole", "1"), ("CAPACITORS", "Dual run", "1"),
             ("BREAKERS", "2 pole", "1"), ("CONDUIT", "liquidtight whip", "1"),
             ("WIRE", "THHN stranded", "50"), ("FITTINGS", "brass flare", "2"))),
    KitSpec("KIT-CDU-IN50", "Condenser install kit, 3–5 ton",
            (("CONTACTORS", "2 pole", "1"), ("CAPACITORS", "Dual run", "1"),
             ("BREAKERS", "2 pole", "1"), ("CONDUIT", "liquidtight whip", "1"),
             ("WIRE", "THHN stranded", "75"), ("FITTINGS", "wrot copper", "4"))),
    KitSpec("KIT-SVC-CC", "Capacitor and contactor service kit",
            (("CONTACTORS", "Definite purpose", "1"), ("CAPACITORS", "Run", "2"),
             ("CAPACITORS", "Motor start", "1"))),
    KitSpec("KIT-MTR-BLW", "Blower motor replacement kit",
            (("MOTORS", "blower", "1"), ("CAPACITORS", "Run", "1"),
             ("CONTROLS", "Fan relay", "1"))),
    KitSpec("KIT-TST-UPG", "Smart thermostat upgrade kit",
            (("THERMOSTATS", "Wi-Fi", "1"), ("WIRE", "THHN solid", "25"),
             ("CONTROLS", "Duct temperature sensor", "1"))),
    KitSpec("KIT-LS-3834", "Line set install kit, 3/8 × 3/4 in",
            (("FITTINGS", "3/8 in", "4"), ("FITTINGS", "3/4 in", "4"),
             ("CHEMICALS", "Thread sealant", "1"), ("CHEMICALS", "Leak detector", "1"))),
    KitSpec("KIT-RTU-PM", "Rooftop unit PM kit",
            (("FILTERS", "x2 ", "4"), ("CHEMICALS", "Coil cleaner, alkaline", "1"),
             ("CONTROLS", "Float switch", "1"))),
    KitSpec("KIT-PNL-SVC", "Panel service kit, 200 A residential",
            (("BREAKERS", "1 pole", "6"), ("BREAKERS", "AFCI", "2"), ("CONDUIT", "bushing", "4"))),
    KitSpec("KIT-MS-INST", "Mini-split install kit",
            (("FITTINGS", "brass flare", "4"), ("CONDUIT", "liquidtight connector", "2"),
             ("WIRE", "XHHW-2", "30"), ("CONTROLS", "Float switch", "1"))),
    KitSpec("KIT-HP-DEF", "Heat pump defrost repair kit",
            (("CONTROLS", "Defrost control board", "1"), ("CONTACTORS", "2 pole", "1"),
             ("CAPACITORS", "Dual run", "1"))),
)  # fmt: skip
