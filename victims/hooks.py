"""Extension points for the apps above victims (they may not be imported from here).

`identity_erasing` listeners run inside the retention transaction, before a victim's identity is
blanked, with the victim and the identity strings about to go: copies kept elsewhere (the
notices sent to authorities, the outbox) must lose them too.
"""

from collections.abc import Callable

identity_erasing: list[Callable[[object, list[str]], None]] = []
