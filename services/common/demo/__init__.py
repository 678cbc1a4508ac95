"""Deterministic demo data: realistic schools in every SIECLE, STS-WEB and EDT format.

``generate_school(kind, uai=..., year=..., seed=...)`` builds one school's typed models (BEE exports, the
STS export, the EDT timetable push and the pupil-to-group push), all consistent with each other;
``demo_schools`` is the set ``make run`` loads and ``large_lycee`` the benchmark school. The same
arguments always give the same models, hence the same bytes once written.
"""

from services.common.demo.catalogue import SchoolKind
from services.common.demo.school import DemoSchool, demo_schools, generate_school, large_lycee

__all__ = ["DemoSchool", "SchoolKind", "demo_schools", "generate_school", "large_lycee"]
