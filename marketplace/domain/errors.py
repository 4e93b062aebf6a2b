"""Domain exceptions: each carries a user-facing message, translated by the web layer."""


def N_(message: str) -> str:
    """Mark a message for translation without translating it here (the domain has no Babel)."""
    return message


class DomainError(Exception):
    """Base class for business-rule violations; str(e) is a user-facing message.

    `message` is an English msgid with %(name)s placeholders and `params` fills them, so the web
    layer can show it in the user's language: gettext(e.message, **e.params).
    """

    def __init__(self, message: str = "", **params: object) -> None:
        self.message = message or (self.__doc__ or "").strip()
        self.params = params
        super().__init__(self.message % params if params else self.message)


class NotFound(DomainError):
    """There is no such thing, or it is not yours to see (we do not say which): the web answers 404."""
