"""Team: the programme team's back office: decisions on pledges, annual reviews, lapsing, wordings,
names and join requests, failed emails, the dashboard, exports and the annual report's narrative."""
