"""GIN-WEB: the certificate authority, certificate issuance and revocation for heads of school."""
