"""Reading documents: files → text → passages with their dates, partners and topics."""
