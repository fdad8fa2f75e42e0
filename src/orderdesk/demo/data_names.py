"""Words the demo's people, companies and streets are made of, per country.

Local names make a German ship-to look German on a packing list, which is what a clerk
checking an export document expects to see; all combinations are invented.
"""

from __future__ import annotations

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "US": (
        "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "William", "Linda",
        "David", "Elizabeth", "Richard", "Barbara", "Joseph", "Susan", "Thomas", "Jessica",
        "Carlos", "Sarah", "Daniel", "Karen", "Matthew", "Lisa", "Anthony", "Nancy", "Mark",
        "Betty", "Donald", "Sandra", "Steven", "Ashley", "Andrew", "Kimberly", "Joshua",
        "Emily", "Kevin", "Donna", "Brian", "Michelle", "Luis", "Carol", "Tyrone", "Amanda",
        "Jamal", "Melissa", "Kenji", "Deborah", "Raj", "Stephanie", "Marcus", "Rebecca",
        "Hector", "Laura", "Dmitri", "Sharon", "Wei", "Cynthia", "Tomás", "Angela",
    ),
    "CA": (
        "Liam", "Olivia", "Noah", "Emma", "Étienne", "Chloé", "Lucas", "Charlotte", "Benjamin",
        "Amélia", "Nathan", "Zoé", "Gabriel", "Léa", "Ethan", "Sophie", "Jacob", "Priya",
        "Owen", "Maya", "Mathieu", "Isabelle", "Connor", "Avery",
    ),
    "MX": (
        "José", "María", "Juan", "Guadalupe", "Luis", "Fernanda", "Carlos", "Ximena",
        "Jorge", "Daniela", "Alejandro", "Sofía", "Miguel", "Valeria", "Ricardo", "Mariana",
        "Fernando", "Andrea", "Eduardo", "Regina",
    ),
    "GB": (
        "Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Mia", "Charlie",
        "Grace", "Alfie", "Freya", "Callum", "Eilidh", "Rhys", "Niamh", "Arjun", "Aisha",
    ),
    "DE": (
        "Lukas", "Anna", "Jonas", "Lea", "Felix", "Hannah", "Maximilian", "Lena", "Paul",
        "Marie", "Jan", "Katharina", "Tobias", "Julia", "Stefan", "Sabine", "Mehmet", "Ayşe",
    ),
    "FR": (
        "Louis", "Camille", "Hugo", "Manon", "Jules", "Inès", "Arthur", "Léa", "Théo", "Chloé",
        "Antoine", "Juliette", "Nicolas", "Margaux", "Karim", "Yasmine",
    ),
}  # fmt: skip

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "US": (
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
        "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
        "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
        "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
        "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
        "Roberts", "Kowalski", "Novak", "O'Brien", "Sullivan", "Patel", "Kim", "Schultz",
        "Lindqvist", "Okafor", "Brennan", "Dvorak", "Fitzgerald", "Haugen", "Mendoza",
        "Petrakis", "Wojcik", "Yamamoto", "Zielinski", "Bauer", "Castillo", "Delgado",
        "Eriksen", "Fontaine", "Gallagher", "Hoffman", "Iverson", "Jablonski", "Keller",
    ),
    "CA": (
        "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
        "Fortin", "Gagné", "Ouellet", "Pelletier", "MacDonald", "Campbell", "Stewart",
        "Fraser", "Singh", "Chen", "Wong", "Leblanc", "Bergeron", "Thompson", "McKenzie",
    ),
    "MX": (
        "Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez",
        "Sánchez", "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes",
        "Jiménez", "Torres", "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Treviño",
        "Garza", "Villarreal",
    ),
    "GB": (
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
        "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "MacLeod", "Campbell",
    ),
    "DE": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
        "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Yılmaz",
    ),
    "FR": (
        "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
        "Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David",
        "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Benali",
    ),
}  # fmt: skip

#: Place-like words for company names ("Prairie Mechanical", "Gulf Coast Health").
PLACE_WORDS = (
    "Lakeshore", "Prairie", "Heartland", "Metro", "Tri-County", "Riverside", "Summit",
    "Pinnacle", "Keystone", "Lone Star", "Bluebonnet", "North Shore", "Gulf Coast",
    "Great Lakes", "Midwest", "Southern", "Frontier", "Cedar Valley", "Fox Valley",
    "Red River", "Trinity", "Brazos", "Windy City", "Lincoln", "Liberty", "Patriot",
    "Heritage", "Crossroads", "Twin Cities", "Mississippi Valley", "Ozark", "Cardinal",
    "Evergreen", "Oak Park", "Westside", "Eastgate", "Harbor", "Canyon", "Mesa", "Cypress",
)  # fmt: skip

ADJECTIVES = (
    "Precision", "Reliable", "Allied", "United", "Premier", "Advanced", "Superior",
    "Integrated", "Dynamic", "Apex", "Quality", "Total", "First Choice", "All-Temp",
    "Comfort", "Polar", "Arctic", "Blue Flame", "Cool Breeze", "Climate Pro",
)  # fmt: skip

SAINTS = (
    "Luke's", "Mary's", "Joseph's", "Anne's", "Francis", "Vincent's", "Catherine's",
    "Elizabeth's", "Michael's", "Jude",
)  # fmt: skip

#: Street names and how a street address is written in each country.
STREETS: dict[str, tuple[str, ...]] = {
    "US": (
        "Industrial Dr", "Commerce St", "Main St", "Oak Ave", "Lake St", "Elm St",
        "Washington Blvd", "Jefferson Ave", "Park Ave", "Corporate Pkwy", "Distribution Way",
        "Enterprise Blvd", "Airport Rd", "Madison St", "Market St", "2nd St", "Mill Rd",
        "Railroad Ave", "Center St", "Maple Ave", "Lincoln Hwy", "Grand Ave", "Harbor Dr",
        "Technology Dr", "Service Rd", "Foundry St", "Union Ave", "Prospect St",
    ),
    "CA": (
        "King St W", "Queen St E", "Dundas St", "Bloor St W", "Yonge St", "Industrial Pkwy",
        "Commerce Crt", "Dixie Rd", "Rue Sainte-Catherine", "Boul. Saint-Laurent",
        "Kingsway", "Macleod Trail", "Airport Rd", "Steeles Ave", "Eglinton Ave E",
    ),
    "MX": (
        "Av. Insurgentes Sur", "Calz. de Tlalpan", "Av. Constitución", "Blvd. Díaz Ordaz",
        "Av. Vallarta", "Av. Reforma", "Av. Universidad", "Calle Hidalgo", "Av. Juárez",
        "Av. Lázaro Cárdenas", "Av. Industrias", "Calle Morelos",
    ),
    "GB": (
        "Station Road", "High Street", "Church Lane", "Mill Lane", "Victoria Road",
        "Trafford Park Road", "Canal Street", "Park Road", "Queen's Road", "Bridge Street",
        "Wharf Road", "Commercial Road",
    ),
    "DE": (
        "Industriestraße", "Hauptstraße", "Bahnhofstraße", "Gewerbestraße", "Am Hafen",
        "Lindenallee", "Schillerstraße", "Goethestraße", "Kanalstraße", "Siemensstraße",
        "Werkstraße", "Robert-Bosch-Straße",
    ),
    "FR": (
        "rue de la République", "avenue Jean Jaurès", "boulevard Voltaire", "rue Victor Hugo",
        "rue Pasteur", "avenue de la Gare", "rue de l'Industrie", "boulevard Gambetta",
        "rue du Commerce", "avenue Foch", "rue des Artisans", "quai de la Loire",
    ),
}  # fmt: skip

SUITES = ("Suite 100", "Suite 200", "Suite 310", "Unit B", "Bldg 2", "Floor 3", "Dock 4")

JOB_TITLES = (
    "Purchasing Manager", "Facilities Director", "Accounts Payable", "Service Manager",
    "Project Manager", "Chief Engineer", "Operations Manager", "Maintenance Supervisor",
    "Office Manager", "Owner",
)  # fmt: skip

DELIVERY_NOTES = (
    "Receiving dock 3, 7:00–15:00 weekdays",
    "Call 30 minutes before arrival",
    "Liftgate required; no loading dock",
    "Deliver to the mechanical room via the service elevator",
    "Security check-in at the main gate; photo ID required",
    "No deliveries during lunch service (11:00–14:00)",
    "Leave with the chief engineer only",
    "Hospital: use the materials management entrance",
    "Site is a construction zone: hard hat and vest on delivery",
)  # fmt: skip
