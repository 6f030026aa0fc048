"""Who may open a page: the programme team's pages ask `User.is_programme_team`."""

from django.contrib.auth.mixins import UserPassesTestMixin


class ProgrammeTeamRequiredMixin(UserPassesTestMixin):
    """Anyone not signed in is sent to sign in; anyone signed in outside the programme team gets 403."""

    def test_func(self):
        user = self.request.user
        return user.is_authenticated and user.is_programme_team
