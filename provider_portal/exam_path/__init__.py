"""From "examenklaar" to the obligation met: readiness, DUO results and attempts, the obligation,
the exemption dossier."""
