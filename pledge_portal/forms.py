"""Base form classes: every portal form gets the same crispy FormHelper and NHS.UK layout."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms, template
from django.core.validators import RegexValidator
from django.utils.functional import LazyObject

from . import names

# Control characters nobody types (tab and line breaks are allowed): pasted in, they break the
# XML of badges and open data, and the CSV exports, and show as nothing on the page.
refuse_control_characters = RegexValidator(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]",
    inverse_match=True,
    message="Remove the hidden control characters from this answer. "
    "They may have come with text you pasted in.",
    code="control_characters",
)
# A one-line answer (every name) holds no line break and nothing that reorders text (pledge_portal.names).
refuse_reordering_and_line_breaks = RegexValidator(
    f"[{names.REORDERING}{names.LINE_BREAKS}]",
    inverse_match=True,
    message="Remove the hidden characters that change the direction of the text or start a new line. "
    "They may have come with text you pasted in.",
    code="reordering_or_line_breaks",
)


class PortalFormMixin:
    """Owns the crispy ``FormHelper`` so views and templates just write ``{% crispy form %}``.

    Subclasses change the defaults with class attributes rather than building
    their own helper, so every journey looks and behaves the same way.
    """

    submit_label = "Continue"
    submit_name = "submit"
    # The NHS.UK style of its button when not the primary one: "nhsuk-button--secondary" or "--warning".
    button_class = ""
    form_method = "post"
    form_tag = True
    # NHS.UK fieldset legend size for radios and checkbox groups: "s", "m", "l" or "xl".
    legend_size = "m"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            rules = [refuse_control_characters]
            if not isinstance(field.widget, forms.Textarea):
                rules.append(refuse_reordering_and_line_breaks)
            field.validators.extend(rule for rule in rules if rule not in field.validators)

    def build_helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = self.form_tag
        helper.form_method = self.form_method
        # Browser validation bubbles are not read out reliably and vanish; we
        # show every error next to its field and in the error summary instead.
        helper.attrs = {"novalidate": ""}
        helper.legend_size = self.legend_size
        if self.submit_label:
            submit = Submit(self.submit_name, self.submit_label)
            if self.button_class:
                submit.field_classes += f" {self.button_class}"
            helper.add_input(submit)
        return helper


class PortalForm(PortalFormMixin, forms.Form):
    """A plain form rendered with the NHS.UK crispy template pack."""


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    """A model form rendered with the NHS.UK crispy template pack."""


def yes_no_field(label, *, yes="Yes", no="No", help_text="", required_message):
    """Radios for a yes-or-no answer, cleaned to True or False (the posted values are "True" and "False")."""
    return forms.TypedChoiceField(
        choices=[(True, yes), (False, no)],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        label=label,
        help_text=help_text,
        error_messages={"required": required_message},
    )


def reason_field(label, *, noun, max_length, whose="The", required_message=None, help_text="", rows=3):
    """A few lines of free text (a reason, a note, a message), refused past `max_length` in plain words.

    Without a `required_message` the answer is optional. The refusal reads "The reason must be 2,000
    characters or fewer", or "Your message …" with `whose="Your"`.
    """
    error_messages = {"max_length": f"{whose} {noun} must be {max_length:,} characters or fewer"}
    if required_message:
        error_messages["required"] = required_message
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=bool(required_message),
        max_length=max_length,
        error_messages=error_messages,
    )


class DayMonthYearInput(forms.MultiWidget):
    """A date as three boxes, day, month and year: the NHS.UK date input.

    Every browser orders a native date picker differently; three labelled
    boxes read the same everywhere. The boxes are joined as "YYYY-M-D" for the
    form field to parse, and split again to redisplay exactly what was typed.
    """

    template_name = "nhsuk/widgets/day_month_year.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "autocomplete": "off"}
        super().__init__({part: forms.TextInput(attrs=box) for part in self.parts}, attrs)

    def decompress(self, value):
        if not value:
            return ["", "", ""]
        if isinstance(value, str):  # the joined text a bound form redisplays
            year, month, day = [*value.split("-", 2), "", ""][:3]
            return [day, month, year]
        return [str(value.day), str(value.month), str(value.year)]

    def value_from_datadict(self, data, files, name):
        day, month, year = ((data.get(f"{name}_{part}") or "").strip() for part in self.parts)
        if not (day or month or year):
            return None
        return f"{year}-{month}-{day}"

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{part}" not in data for part in self.parts)


# Template tags, loaded as {% load portal_forms %} (settings.TEMPLATES "libraries").
register = template.Library()


@register.simple_tag(takes_context=True)
def page_has_errors(context):
    """Whether any form on the page, alone or in a list, has errors: the title then starts "Error:"."""
    for value in context.flatten().values():
        # Never a form, and evaluating them would read the session or set the CSRF cookie (by type(),
        # as isinstance() would evaluate them): a public page would no longer be the same for everyone.
        if issubclass(type(value), LazyObject):
            continue
        if isinstance(value, dict):
            value = list(value.values())
        candidates = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(form, forms.BaseForm) and form.is_bound and form.errors for form in candidates):
            return True
    return False
