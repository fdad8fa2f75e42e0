"""The search form every list page uses (text query plus an optional status filter)."""

from __future__ import annotations

from typing import Any

from django import forms


class SearchForm(forms.Form):
    """Read from GET so a search is a link: bookmarkable, shareable, and works without JS."""

    q = forms.CharField(required=False, max_length=100, strip=True)
    status = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, status_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any status"), *status_choices]

    def query(self) -> tuple[str, str]:
        """(q, status); an invalid field (an unknown status, an over-long q) is dropped or cut,
        so a hand-edited URL still shows a list instead of an error."""
        self.is_valid()
        q = self.cleaned_data.get("q", str(self.data.get("q", ""))[:100].strip())
        return q, self.cleaned_data.get("status", "")
