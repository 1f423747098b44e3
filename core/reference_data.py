"""Reference data the application ships with: states, organisations, and the demo's operations."""

# (ISO alpha-3, alpha-2, name): states that host, lead or contribute to the forces the office follows.
MEMBER_STATES = [
    ("BDI", "BI", "Burundi"), ("CAF", "CF", "Central African Republic"), ("CMR", "CM", "Cameroon"),
    ("COD", "CD", "Democratic Republic of the Congo"), ("COG", "CG", "Congo"), ("DJI", "DJ", "Djibouti"),
    ("EGY", "EG", "Egypt"), ("ETH", "ET", "Ethiopia"), ("FRA", "FR", "France"), ("GAB", "GA", "Gabon"),
    ("GEO", "GE", "Georgia"), ("GHA", "GH", "Ghana"), ("KEN", "KE", "Kenya"), ("MLI", "ML", "Mali"),
    ("MAR", "MA", "Morocco"), ("NGA", "NG", "Nigeria"), ("RWA", "RW", "Rwanda"), ("SEN", "SN", "Senegal"),
    ("SLE", "SL", "Sierra Leone"), ("SOM", "SO", "Somalia"), ("TCD", "TD", "Chad"), ("UGA", "UG", "Uganda"),
    ("ESP", "ES", "Spain"), ("POL", "PL", "Poland"), ("ROU", "RO", "Romania"), ("PRT", "PT", "Portugal"),
    ("ITA", "IT", "Italy"), ("DEU", "DE", "Germany"), ("LVA", "LV", "Latvia"), ("FIN", "FI", "Finland"),
]

# (acronym, name, French acronym, French name)
REGIONAL_ORGANISATIONS = [
    ("AU", "African Union", "UA", "Union africaine"),
    ("EU", "European Union", "UE", "Union européenne"),
    ("ECCAS", "Economic Community of Central African States", "CEEAC",
     "Communauté économique des États de l’Afrique centrale"),
]
