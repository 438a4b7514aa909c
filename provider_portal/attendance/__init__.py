"""Attendance: the lesson register (teacher's grid, presence codes, sign-off), the learner's own
lessons, and the attendance reports per class and learner.

The blueprints keep their names (`register`, `me`, `attendance`), so URLs and endpoint names did
not change when this package was renamed from `register/`.
"""
