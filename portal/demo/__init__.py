"""A believable demo city: units, cadres, staff accounts and a year of cases, to try it out.

``flask --app portal seed-demo`` builds it (see :mod:`portal.demo.command`). Everything is
drawn from one seeded ``random.Random``, so two runs on the same day build the same city.
"""
