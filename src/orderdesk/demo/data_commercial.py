"""The demo company's commercial set-up: terms, price lists, surcharges, taxes, sites, vendors.

Rates are the published base rates (state sales tax without local add-ons, combined
GST/HST/QST for Canada, standard VAT in Europe and Mexico) as of 2025, so an invoice in the
demo looks like one a billing clerk has seen; they are demo figures, not tax advice.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPANY_NAME = "Northwind Climate & Electric"

# code, description, net days, discount percent, discount days
PAYMENT_TERMS: tuple[tuple[str, str, int, str, int], ...] = (
    ("NET30", "Net 30 days", 30, "0", 0),
    ("2/10 NET30", "2% discount if paid within 10 days, net 30", 30, "2", 10),
    ("NET45", "Net 45 days", 45, "0", 0),
    ("NET60", "Net 60 days", 60, "0", 0),
    ("COD", "Cash on delivery", 0, "0", 0),
)

# code, name, currency, default
PRICE_LISTS: tuple[tuple[str, str, str, bool], ...] = (
    ("LIST", "List prices (USD)", "USD", True),
    ("CAD", "Canadian list prices (CAD)", "CAD", False),
    ("CONTRACTOR", "Contractor prices (USD)", "USD", False),
)

#: CAD list = USD list × this, rounded to cents (the desk re-rates it quarterly).
CAD_RATE = "1.37"
#: Contractor list = USD list × this.
CONTRACTOR_FACTOR = "0.85"

# code, name, basis, amount, item group, hazmat only, below order value
SURCHARGES: tuple[tuple[str, str, str, str, str, bool, str | None], ...] = (
    ("FUEL", "Fuel surcharge", "percent_line", "2.5", "", False, None),
    ("HAZMAT", "Hazmat handling fee", "per_unit", "12.50", "", True, None),
    ("SMALLORDER", "Small-order fee", "per_order", "25.00", "", False, "150.00"),
    ("COPPER", "Copper market surcharge", "percent_line", "3.0", "WIRE", False, None),
)

# country, region, rate percent, name
TAX_RATES: tuple[tuple[str, str, str, str], ...] = (
    ("US", "IL", "6.25", "Illinois sales tax"),
    ("US", "TX", "6.25", "Texas sales tax"),
    ("US", "IN", "7", "Indiana sales tax"),
    ("US", "WI", "5", "Wisconsin sales tax"),
    ("US", "MO", "4.225", "Missouri sales tax"),
    ("US", "OK", "4.5", "Oklahoma sales tax"),
    ("US", "GA", "4", "Georgia sales tax"),
    ("US", "TN", "7", "Tennessee sales tax"),
    ("US", "OH", "5.75", "Ohio sales tax"),
    ("US", "MI", "6", "Michigan sales tax"),
    ("US", "MN", "6.875", "Minnesota sales tax"),
    ("US", "CO", "2.9", "Colorado sales tax"),
    ("US", "AZ", "5.6", "Arizona transaction privilege tax"),
    ("US", "FL", "6", "Florida sales tax"),
    ("CA", "ON", "13", "HST Ontario"),
    ("CA", "QC", "14.975", "GST + QST Québec"),
    ("CA", "BC", "12", "GST + PST British Columbia"),
    ("CA", "AB", "5", "GST Alberta"),
    ("MX", "", "16", "IVA"),
    ("GB", "", "20", "VAT standard rate"),
    ("DE", "", "19", "Umsatzsteuer (MwSt)"),
    ("FR", "", "20", "TVA taux normal"),
)


@dataclass(frozen=True, slots=True)
class WarehouseSpec:
    code: str
    name: str
    timezone: str
    line1: str
    city: str
    region: str
    postal_code: str
    country: str
    #: Share of items stocked here (percent); Toronto carries the fast movers only.
    coverage: int


WAREHOUSES: tuple[WarehouseSpec, ...] = (
    WarehouseSpec(
        "CHI", "Chicago distribution center", "America/Chicago", "4500 W 47th St", "Chicago",
        "IL", "60632", "US", 92,
    ),
    WarehouseSpec(
        "DAL", "Dallas distribution center", "America/Chicago", "2250 Irving Blvd", "Dallas",
        "TX", "75207", "US", 70,
    ),
    WarehouseSpec(
        "TOR", "Toronto distribution centre", "America/Toronto", "120 Bermondsey Rd", "Toronto",
        "ON", "M4B 1Z9", "CA", 35,
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class VendorSpec:
    code: str
    name: str
    city: str  # a City.name from data_places
    currency: str
    terms: str
    lead_time_days: int
    groups: tuple[str, ...]  # item groups it is the default vendor for


VENDORS: tuple[VendorSpec, ...] = (
    VendorSpec("V100", "Arcticore Compressor Corp.", "Dallas", "USD", "NET45", 21,
               ("COMPRESSORS",)),
    VendorSpec("V101", "Polaris Climate Equipment", "Fort Worth", "USD", "NET45", 28,
               ("CONDENSING_UNITS",)),
    VendorSpec("V102", "Midwest Motor Works", "Milwaukee", "USD", "NET30", 14, ("MOTORS",)),
    VendorSpec("V103", "Voltline Controls", "Elk Grove Village", "USD", "NET30", 10,
               ("CONTACTORS",)),
    VendorSpec("V104", "CapStar Components", "Monterrey", "USD", "NET60", 21, ("CAPACITORS",)),
    VendorSpec("V105", "Thermalogic Inc.", "Minneapolis", "USD", "NET30", 10, ("THERMOSTATS",)),
    VendorSpec("V106", "Cascade Refrigerants", "Houston", "USD", "NET30", 7, ("REFRIGERANT",)),
    VendorSpec("V107", "Bondline Chemical", "Cleveland", "USD", "NET30", 10, ("CHEMICALS",)),
    VendorSpec("V108", "PureFlow Filtration", "Kansas City", "USD", "2/10 NET30", 7,
               ("FILTERS",)),
    VendorSpec("V109", "Brightline Electrical Mfg.", "Cincinnati", "USD", "NET30", 14,
               ("BREAKERS",)),
    VendorSpec("V110", "Great Lakes Wire & Cable", "Detroit", "USD", "NET30", 7, ("WIRE",)),
    VendorSpec("V111", "Lone Star Conduit", "Houston", "USD", "NET30", 10, ("CONDUIT",)),
    VendorSpec("V112", "Keystone Brass & Copper", "Columbus", "USD", "NET30", 10, ("FITTINGS",)),
    VendorSpec("V113", "ProServ Tools", "Phoenix", "USD", "NET30", 14, ("TOOLS",)),
    VendorSpec("V114", "Rheinland Regeltechnik GmbH", "Köln", "EUR", "NET60", 35,
               ("CONTROLS",)),
    VendorSpec("V115", "Summit Building Controls", "Denver", "USD", "NET30", 12, ("CONTROLS",)),
    VendorSpec("V116", "Maple Leaf HVAC Supply Ltd.", "Mississauga", "CAD", "NET30", 5,
               ("FILTERS", "THERMOSTATS")),
    VendorSpec("V117", "Norte Motores S.A. de C.V.", "Querétaro", "USD", "NET60", 28,
               ("MOTORS",)),
    VendorSpec("V118", "Tri-State Capacitor", "Indianapolis", "USD", "NET30", 10,
               ("CAPACITORS",)),
    VendorSpec("V119", "Atlas Breaker & Panel", "St. Louis", "USD", "NET30", 12, ("BREAKERS",)),
    VendorSpec("V120", "Heartland Fittings", "Tulsa", "USD", "2/10 NET30", 8, ("FITTINGS",)),
    VendorSpec("V121", "Coldfront Compressors Ltd", "Birmingham", "GBP", "NET60", 42,
               ("COMPRESSORS",)),
    VendorSpec("V122", "Apex Test Instruments", "Atlanta", "USD", "NET30", 10, ("TOOLS",)),
    VendorSpec("V123", "BlueLine Wire Co.", "Fort Wayne", "USD", "NET30", 7, ("WIRE",)),
    VendorSpec("V124", "Prairie Filter Supply", "Springfield", "USD", "NET30", 5, ("FILTERS",)),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Segment:
    """A kind of customer: how it is named, how many sites it has, what terms it gets."""

    code: str
    weight: int
    ship_tos: tuple[int, int]
    credit_k: tuple[int, int]  # credit limit range in thousands
    terms: tuple[str, ...]  # drawn uniformly: repeat a code to weigh it
    tiers: tuple[str, ...]
    tax_exempt_percent: int
    contractor: bool  # buys on the contractor price list
    site_names: tuple[str, ...]


SEGMENTS: tuple[Segment, ...] = (
    Segment("mechanical", 30, (1, 4), (25, 250), ("NET30", "NET30", "2/10 NET30", "NET45", "COD"),
            ("standard", "standard", "silver", "gold"), 0, True,
            ("Shop", "Warehouse", "Job site – {street}", "{city} branch", "Service van yard")),
    Segment("electrical", 12, (1, 3), (20, 200), ("NET30", "NET30", "2/10 NET30", "COD"),
            ("standard", "standard", "silver"), 0, True,
            ("Shop", "Warehouse", "Job site – {street}", "{city} branch")),
    Segment("property", 12, (2, 6), (50, 300), ("NET30", "NET45", "NET45"),
            ("silver", "gold", "gold", "platinum"), 0, False,
            ("{place} Tower", "{street} Plaza", "{last} Building", "{place} Apartments",
             "{place} Office Park", "{place} Shopping Center")),
    Segment("hospital", 7, (2, 6), (150, 500), ("NET45", "NET60", "NET60"),
            ("gold", "platinum", "platinum"), 100, False,
            ("Main campus", "North tower", "Outpatient clinic", "Central plant",
             "Medical office building", "Surgery center")),
    Segment("school", 8, (2, 6), (50, 250), ("NET45", "NET60"),
            ("silver", "gold"), 100, False,
            ("{last} Elementary School", "{place} High School", "{last} Middle School",
             "Central office", "Transportation center", "Athletic complex")),
    Segment("restaurant", 10, (2, 6), (5, 40), ("NET30", "COD", "COD"),
            ("standard", "silver"), 0, False,
            ("Location #{n} {city}", "Commissary kitchen", "Location #{n} {street}")),
    Segment("hotel", 5, (1, 4), (25, 150), ("NET30", "NET45"),
            ("silver", "gold"), 0, False,
            ("{city} downtown", "{city} airport", "{place} conference center", "{city} suites")),
    Segment("grocery", 4, (2, 6), (40, 200), ("NET30", "2/10 NET30"),
            ("gold", "platinum"), 0, False,
            ("Store #{n}", "Distribution center", "Store #{n} {street}")),
    Segment("industrial", 7, (1, 3), (50, 400), ("NET30", "NET45", "NET60"),
            ("silver", "gold", "platinum"), 0, False,
            ("Plant {n}", "Cold storage", "Warehouse {n}", "Main plant")),
    Segment("datacenter", 3, (1, 3), (100, 500), ("NET30", "NET45"),
            ("platinum",), 0, False,
            ("Campus {n}", "Data hall {n}", "{city} colocation")),
    Segment("government", 2, (1, 4), (50, 300), ("NET45", "NET60"),
            ("silver", "gold"), 100, False,
            ("Public works yard", "Administration building", "Water treatment plant",
             "Fleet garage")),
)  # fmt: skip

#: Customer name templates per segment and country; CA uses the US ones plus "Ltd."/"Inc.".
NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "mechanical": {
        "US": ("{last} Mechanical", "{last} & {last2} Heating and Cooling",
               "{place} Mechanical Contractors", "{adj} Air Conditioning",
               "{last} Plumbing & HVAC", "{place} Comfort Systems", "{last} Refrigeration Service",
               "{adj} Climate Solutions", "{last} Brothers Mechanical", "{place} HVAC Services"),
        "GB": ("{last} Building Services Ltd", "{last} & {last2} Mechanical Ltd",
               "{city} Air Conditioning Ltd", "{adj} Refrigeration Ltd"),
        "DE": ("{last} Kälte- und Klimatechnik GmbH", "{last} Haustechnik GmbH",
               "Klimatechnik {last} GmbH & Co. KG"),
        "FR": ("{last} Climatisation SARL", "Froid {last} SAS", "{last} Génie Climatique SAS"),
        "MX": ("Climas {last} S.A. de C.V.", "Refrigeración {last} S.A. de C.V.",
               "Aire Acondicionado {last} y Asociados S.A. de C.V."),
    },
    "electrical": {
        "US": ("{last} Electric", "{place} Electrical Contractors", "{last} & Sons Electric",
               "{adj} Power & Lighting", "{last} Electrical Services"),
        "GB": ("{last} Electrical Contractors Ltd",),
        "DE": ("Elektro {last} GmbH", "{last} Elektrotechnik GmbH"),
        "FR": ("{last} Électricité SARL",),
        "MX": ("Eléctrica {last} S.A. de C.V.",),
    },
    "property": {
        "US": ("{place} Property Management", "{last} Realty Group",
               "{place} Commercial Properties", "{last} Facilities Management",
               "{place} Apartment Communities"),
        "GB": ("{city} Estates Ltd", "{last} Facilities Management plc"),
        "DE": ("{last} Immobilien Verwaltung GmbH",),
        "FR": ("Foncière {last} SA",),
        "MX": ("Inmobiliaria {last} S.A. de C.V.",),
    },
    "hospital": {
        "US": ("{city} General Hospital", "St. {saint} Medical Center", "{place} Regional Health",
               "{city} Children's Hospital", "{place} Medical Group"),
    },
    "school": {
        "US": ("{city} Public Schools", "{place} Unified School District",
               "{place} Community College", "{place} Academy", "{place} State University"),
    },
    "restaurant": {
        "US": ("{last}'s Grill Group", "{place} Restaurant Group", "{adj} Kitchens",
               "{last}'s Pizzeria", "{place} Hospitality", "{last}'s Smokehouse"),
        "MX": ("Grupo Restaurantero {last} S.A. de C.V.",),
    },
    "hotel": {
        "US": ("{place} Hotels & Suites", "The {last} Hotel", "{place} Inn Group"),
        "GB": ("The {last} Hotel {city}",),
        "DE": ("Hotel {last} {city}",),
        "FR": ("Hôtel {last} {city}",),
        "MX": ("Hotel {last} {city}",),
    },
    "grocery": {
        "US": ("{place} Fresh Markets", "{last}'s Supermarkets", "{place} Food Co-op"),
    },
    "industrial": {
        "US": ("{place} Manufacturing", "{last} Plastics", "{place} Cold Storage",
               "{last} Metal Works", "{place} Brewing Company", "{place} Printing"),
        "GB": ("{city} Cold Stores Ltd",),
        "DE": ("{last} Maschinenbau GmbH", "{last} Kunststofftechnik AG"),
        "FR": ("{last} Industries SAS",),
        "MX": ("Manufacturas {last} S.A. de C.V.", "Plásticos {last} S.A. de C.V."),
    },
    "datacenter": {
        "US": ("{place} Data Centers", "{adj} Colocation", "{place} Cloud Campus"),
    },
    "government": {
        "US": ("{place} County Facilities", "{place} Water District", "{place} Transit Authority"),
    },
}  # fmt: skip
