"""Building, publishing and storing the index; the search backends behind one protocol."""
