"""collectstatic for tests/core/test_production_stack.py: the production settings, except that WhiteNoise
writes no compressed copies. Brotli over the API documentation's bundles takes about a minute, and the
.gz/.br copies change nothing the test checks (nginx serves the plain file when there is none). The
server itself then runs sea_cases.settings unchanged."""

from sea_cases.settings import *  # noqa: F403

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["css", "js", "map", "svg", "html", "txt", "json", "xml", "md", "ico", "png",
                                       "jpg", "gif", "woff", "woff2", "ttf", "eot", "otf"]
