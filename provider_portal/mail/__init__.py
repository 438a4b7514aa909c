"""E-mail through SMTP: the settings, a connection that sends one message per recipient, and the
run's letters and participant lists sent from the jobs process (`mail.runs`)."""
