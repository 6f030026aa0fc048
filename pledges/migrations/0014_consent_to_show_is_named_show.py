"""A partner's consent to show its actions and progress is named "show", as its logo and name already were.

"Published" is left to the pledge's wording. Only the columns are renamed: no
constraint, index or condition names them, and every row keeps its choice.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0013_names_are_one_line_of_plain_text"),
    ]

    operations = [
        migrations.RenameField(model_name="pledge", old_name="publish_actions", new_name="show_actions"),
        migrations.RenameField(
            model_name="reviewcycle", old_name="publish_progress", new_name="show_progress"
        ),
    ]
