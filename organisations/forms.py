"""Forms for organisations: adding one while signing, editing details and logo."""

import io

from django import forms
from django.core.files.base import ContentFile
from django.core.validators import FileExtensionValidator
from PIL import Image, UnidentifiedImageError

from pledge_portal.forms import PortalForm, PortalModelForm, reason_field

from .models import Area, Organisation

LOGO_MAX_BYTES = 2 * 1024 * 1024
# Beyond this the image is refused before decoding, so a tiny "decompression bomb" cannot eat memory.
LOGO_MAX_PIXELS = 25_000_000
# Logos are shown small; a larger image is scaled down when it is re-encoded.
LOGO_MAX_SIDE = 1200
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}


def reencode_logo(upload):
    """Check an uploaded logo by its content and return it re-encoded, or raise ValidationError.

    The extension, the size and what Pillow finds inside the file must all say
    PNG or JPEG. Re-encoding drops anything hidden in the file (metadata,
    trailing data) and the file is stored under a generated name.
    """
    if upload.size > LOGO_MAX_BYTES:
        raise forms.ValidationError("The logo must be 2 MB or smaller", code="too_big")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in LOGO_FORMATS:
            raise forms.ValidationError("The logo must be a PNG or JPEG image", code="wrong_format")
        if width * height > LOGO_MAX_PIXELS:
            raise forms.ValidationError("The logo is too large: use an image under 5,000 by 5,000 pixels")
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            output = io.BytesIO()
            if image_format == "PNG":
                image = image.convert(
                    "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
                )
                image.save(output, format="PNG", optimize=True)
            else:
                image.convert("RGB").save(output, format="JPEG", quality=90, optimize=True)
    except forms.ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise forms.ValidationError(
            "The logo must be a PNG or JPEG image. This file is not one, or it is damaged", code="invalid"
        ) from error
    return ContentFile(output.getvalue(), name=f"logo.{LOGO_FORMATS[image_format]}")


class LogoField(forms.FileField):
    """An optional PNG or JPEG logo, checked by extension and by content, and re-encoded."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})
    default_validators = [
        FileExtensionValidator(
            ["png", "jpg", "jpeg"], message="The logo must be a PNG or JPEG file (ending .png, .jpg or .jpeg)"
        )
    ]

    def clean(self, data, initial=None):
        cleaned = super().clean(data, initial)
        if cleaned and cleaned is not initial and hasattr(cleaned, "size"):
            return reencode_logo(cleaned)
        return cleaned


class OrganisationDetailsForm(PortalModelForm):
    """What a member may change about their organisation: everything but its name."""

    submit_label = "Save changes"

    kind = forms.ChoiceField(
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        label="What kind of body is it?",
        error_messages={"required": "Choose what kind of body it is"},
    )
    sector = forms.ChoiceField(
        choices=[("", "Choose a sector"), *Organisation.Sector.choices],
        label="Sector",
        error_messages={"required": "Choose the sector it works in"},
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label="Which areas does it serve?",
        help_text="Choose all that apply.",
        error_messages={"required": "Choose at least one area it serves"},
    )
    website = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=200,
        label="Website (optional)",
        help_text="For example, https://www.example.org.uk",
        error_messages={
            "invalid": "Enter the website address in full, for example https://www.example.org.uk"
        },
    )
    description = reason_field(
        "Short description (optional)",
        help_text="One or two sentences about what it does and who it works with. Up to 1,000 characters.",
        rows=4,
        max_length=1000,
        noun="description",
    )
    logo = LogoField(
        required=False,
        label="Logo (optional)",
        help_text="A PNG or JPEG image, 2 MB or smaller. We only show it if you say we may.",
    )

    class Meta:
        model = Organisation
        fields = ["kind", "sector", "areas", "website", "description", "logo"]
        error_messages = {
            "website": {
                "invalid": "Enter the website address in full, for example https://www.example.org.uk"
            },
        }

    def clean_website(self):
        return self.cleaned_data["website"].strip()

    def service_arguments(self):
        """The cleaned data as the organisation services take it."""
        data = dict(self.cleaned_data)
        # ClearableFileInput gives False for "remove", the unchanged FieldFile when untouched.
        if data.get("logo") and not isinstance(data["logo"], ContentFile):
            data["logo"] = None
        return data


class OrganisationForm(OrganisationDetailsForm):
    """A new organisation, added while signing."""

    submit_label = "Continue"

    class Meta(OrganisationDetailsForm.Meta):
        fields = ["name", *OrganisationDetailsForm.Meta.fields]
        labels = {"name": "Organisation name"}
        help_texts = {"name": "Its full name, as people in the area know it."}
        error_messages = {
            **OrganisationDetailsForm.Meta.error_messages,
            "name": {
                "required": "Enter the organisation's name",
                "max_length": "The name must be 200 characters or fewer",
            },
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Organisation.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                "An organisation with this name is already registered. Search for it and choose it."
            )
        return name


class OrganisationSearchForm(PortalForm):
    """Find an existing organisation by name. A plain GET form: it works without JavaScript."""

    form_method = "get"
    submit_label = "Search"
    submit_name = ""

    q = forms.CharField(
        label="Search for your organisation",
        help_text="Type part of its name, for example “Bristol Mind”.",
        max_length=200,
        error_messages={"required": "Enter part of your organisation's name"},
    )


class NameChangeForm(PortalForm):
    """A partner asks for a new name, with a reason."""

    submit_label = "Ask for the new name"

    new_name = forms.CharField(
        label="New name",
        max_length=200,
        help_text="As it should appear in the list of partners, on your certificate and on your badge.",
        error_messages={
            "required": "Enter the new name",
            "max_length": "The new name must be 200 characters or fewer",
        },
    )
    reason = reason_field(
        "Why is the name changing?",
        help_text="For example, a merger or a new name chosen by your board. Only the team sees this.",
        max_length=2000,
        noun="reason",
        required_message="Say why the name is changing",
    )
