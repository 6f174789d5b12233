"""One router per area; each route declares its role (bantin.api.roles.requires)."""
