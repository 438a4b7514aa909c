"""DUO exam planning in the portal: locations and their calendar, runs, rosters and invitations."""
