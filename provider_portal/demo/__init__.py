"""Demo seeding, kept out of the portal's own modules: `flask --app provider_portal demo seed`
(`make demo`) builds the world of `world.py` (providers, staff, planners, learners, contracts),
with register history (`attendance.py`), exam paths (`exam_path.py`) and planning data
(`planning.py`). Nothing in the portal imports this package except that command.
"""

from provider_portal.demo.world import DEMO_PASSWORD, LEARNERS_PER_PROVIDER, elfproef_bsn, seed

__all__ = ["DEMO_PASSWORD", "LEARNERS_PER_PROVIDER", "elfproef_bsn", "seed"]
