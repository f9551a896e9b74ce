"""Studio administration: trainers, rooms, session types, time off, staff accounts, set-up."""
