"""One module per aggregate. Repositories query and stage changes; they never commit (whoever
opened the unit of work does: storage/unit_of_work.py)."""
