# Day before month, as the UN writes English dates ("12 April 2016"): never ambiguous beside the
# French "12 avril 2016". Tables and files keep ISO 8601 (2016-04-12), which sorts and reads the
# same in both languages.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
