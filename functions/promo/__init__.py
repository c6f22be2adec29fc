"""The promo-code bounded context: one code per completed order, kept in its own table."""
