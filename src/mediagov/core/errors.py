"""Domain errors. Each carries a message for the user, in Chinese, and where it applies the article it cites."""


class DomainError(Exception):
    """A request that the regulation or the current state does not allow."""

    def __init__(self, message: str, *, article: str = "", code: str = ""):
        super().__init__(message)
        self.message = message
        self.article = article
        self.code = code

    def __str__(self) -> str:
        return f"{self.message}（{self.article}）" if self.article else self.message


class PermissionDenied(DomainError):
    pass


class ImportFileError(DomainError):
    """A bad import file. `errors` lists row-level problems: (row, field, message)."""

    def __init__(self, message: str, *, errors: list[tuple[int | None, str, str]] | None = None):
        super().__init__(message)
        self.errors = errors or []

    def lines(self, filename: str = "") -> list[str]:
        prefix = f"{filename}：" if filename else ""
        if not self.errors:
            return [prefix + self.message]
        out = []
        for row, field, msg in self.errors:
            where = f"第{row}行" if row else ""
            col = f"“{field}”" if field else ""
            out.append(f"{prefix}{where}{col}：{msg}")
        return out
