"""Realistic reference data for page-weight measurements: the 193 UN Member States and a dozen forces.

Names are the real ones (their length is what makes a <select> heavy); the ISO codes are made up
(digit-led, so they never clash with the real codes the persona fixtures create).
"""

from core.models import Force, MemberState, Mission

MEMBER_STATES = """Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|
Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia (Plurinational State of)|
Bosnia and Herzegovina|Botswana|Brazil|Brunei Darussalam|Bulgaria|Burkina Faso|Burundi|Cabo Verde|Cambodia|Cameroon|
Canada|Central African Republic|Chad|Chile|China|Colombia|Comoros|Congo|Costa Rica|Côte d'Ivoire|Croatia|Cuba|Cyprus|
Czechia|Democratic People's Republic of Korea|Democratic Republic of the Congo|Denmark|Djibouti|Dominica|
Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|
Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|Hungary|
Iceland|India|Indonesia|Iran (Islamic Republic of)|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|
Kiribati|Kuwait|Kyrgyzstan|Lao People's Democratic Republic|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|
Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|
Micronesia (Federated States of)|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|
Netherlands (Kingdom of the)|New Zealand|Nicaragua|Niger|Nigeria|North Macedonia|Norway|Oman|Pakistan|Palau|Panama|
Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Republic of Korea|Republic of Moldova|Romania|
Russian Federation|Rwanda|Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|Samoa|San Marino|
Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|
Somalia|South Africa|South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syrian Arab Republic|Tajikistan|
Thailand|Timor-Leste|Togo|Tonga|Trinidad and Tobago|Tunisia|Türkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom of Great Britain and Northern Ireland|United Republic of Tanzania|
United States of America|Uruguay|Uzbekistan|Vanuatu|Venezuela (Bolivarian Republic of)|Viet Nam|Yemen|Zambia|Zimbabwe"""
MEMBER_STATES = [name.strip() for name in MEMBER_STATES.replace("\n", "").split("|")]
assert len(MEMBER_STATES) == 193, len(MEMBER_STATES)

FORCES = [
    "Sangaris", "MISCA", "EUFOR RCA", "AMISOM", "ATMIS", "Operation Barkhane", "Operation Serval",
    "G5 Sahel Joint Force", "MNJTF (Lake Chad Basin)", "EUTM Somalia", "KFOR", "ISAF",
]


def load_member_states() -> list[MemberState]:
    """All 193 Member States (those already created by fixtures are kept as they are)."""
    existing = set(MemberState.objects.values_list("name", flat=True))
    MemberState.objects.bulk_create(
        MemberState(name=name, iso3=f"{n:03d}", iso2=f"{n // 26}{chr(65 + n % 26)}")
        for n, name in enumerate(MEMBER_STATES) if name not in existing
    )
    return list(MemberState.objects.all())


def load_forces(*missions: Mission) -> list[Force]:
    """A dozen active forces, each operating in the given operations."""
    from tests.factories import ForceFactory

    forces = [ForceFactory(name=name) for name in FORCES]
    for force in forces:
        force.missions.add(*missions)
    return forces
