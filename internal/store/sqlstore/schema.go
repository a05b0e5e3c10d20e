package sqlstore

// migrations is the schema history: migrations[i] brings the schema from
// version i to i+1. Append only; never edit a migration that has shipped.
// "{{blob}}" is replaced by the dialect's byte-string type.
//
// Every *_key column is the lower-cased form of the column it shadows, so
// lookups are case-insensitive on every engine without relying on collations
// (which differ between SQLite and PostgreSQL). Timestamps are UTC text in a
// fixed-width RFC 3339 form (see codec.go), "" for the zero time.
var migrations = [][]string{
	{ // 1: initial schema
		`CREATE TABLE meta (
			name TEXT PRIMARY KEY,
			value TEXT NOT NULL)`,
		`CREATE TABLE counters (
			name TEXT PRIMARY KEY,
			value BIGINT NOT NULL)`,
		`INSERT INTO counters (name, value) VALUES ('revision', 0)`,
		`CREATE TABLE changes (
			revision BIGINT PRIMARY KEY,
			kind TEXT NOT NULL,
			change_key TEXT NOT NULL)`,
		`CREATE TABLE principals (
			id_key TEXT PRIMARY KEY,
			id TEXT NOT NULL,
			kind TEXT NOT NULL,
			display_name TEXT NOT NULL,
			display_key TEXT NOT NULL,
			user_name TEXT NOT NULL,
			user_key TEXT UNIQUE,
			password_hash TEXT NOT NULL,
			client_id TEXT NOT NULL,
			client_key TEXT UNIQUE,
			identity_type TEXT NOT NULL,
			resource_id TEXT NOT NULL,
			resource_key TEXT UNIQUE,
			disabled INTEGER NOT NULL,
			created_at TEXT NOT NULL)`,
		`CREATE INDEX principals_kind ON principals (kind)`,
		`CREATE TABLE memberships (
			group_key TEXT NOT NULL REFERENCES principals (id_key) ON DELETE CASCADE,
			member_key TEXT NOT NULL REFERENCES principals (id_key) ON DELETE CASCADE,
			PRIMARY KEY (group_key, member_key))`,
		`CREATE INDEX memberships_member ON memberships (member_key)`,
		`CREATE TABLE credentials (
			principal_key TEXT NOT NULL REFERENCES principals (id_key) ON DELETE CASCADE,
			id_key TEXT NOT NULL,
			id TEXT NOT NULL,
			kind TEXT NOT NULL,
			display_name TEXT NOT NULL,
			hash TEXT NOT NULL,
			hint TEXT NOT NULL,
			data {{blob}},
			starts_at TEXT NOT NULL,
			expires_at TEXT NOT NULL,
			created_at TEXT NOT NULL,
			PRIMARY KEY (principal_key, id_key))`,
		`CREATE TABLE resources (
			id_key TEXT PRIMARY KEY,
			id TEXT NOT NULL,
			type TEXT NOT NULL,
			type_key TEXT NOT NULL,
			subscription_id TEXT NOT NULL,
			subscription_key TEXT NOT NULL,
			resource_group TEXT NOT NULL,
			resource_group_key TEXT NOT NULL,
			name TEXT NOT NULL,
			location TEXT NOT NULL,
			tags TEXT,
			properties TEXT,
			system_assigned INTEGER NOT NULL,
			host TEXT NOT NULL,
			created_at TEXT NOT NULL,
			updated_at TEXT NOT NULL)`,
		`CREATE INDEX resources_group ON resources (subscription_key, resource_group_key)`,
		`CREATE TABLE attachments (
			resource_key TEXT NOT NULL REFERENCES resources (id_key) ON DELETE CASCADE,
			identity_key TEXT NOT NULL REFERENCES resources (id_key) ON DELETE CASCADE,
			PRIMARY KEY (resource_key, identity_key))`,
		`CREATE INDEX attachments_identity ON attachments (identity_key)`,
		`CREATE TABLE role_definitions (
			id_key TEXT PRIMARY KEY,
			id TEXT NOT NULL,
			role_name TEXT NOT NULL,
			name_key TEXT NOT NULL UNIQUE,
			description TEXT NOT NULL,
			role_type TEXT NOT NULL,
			permissions TEXT NOT NULL,
			assignable_scopes TEXT NOT NULL,
			created_by TEXT NOT NULL,
			created_at TEXT NOT NULL,
			updated_at TEXT NOT NULL)`,
		`CREATE TABLE assignments (
			name_key TEXT PRIMARY KEY,
			name TEXT NOT NULL,
			scope TEXT NOT NULL,
			scope_key TEXT NOT NULL,
			role_id TEXT NOT NULL,
			role_key TEXT NOT NULL,
			principal_id TEXT NOT NULL,
			principal_key TEXT NOT NULL,
			principal_type TEXT NOT NULL,
			description TEXT NOT NULL,
			created_by TEXT NOT NULL,
			created_at TEXT NOT NULL,
			updated_at TEXT NOT NULL,
			UNIQUE (principal_key, role_key, scope_key))`,
		`CREATE INDEX assignments_scope ON assignments (scope_key)`,
		`CREATE INDEX assignments_role ON assignments (role_key)`,
		`CREATE TABLE signing_keys (
			id TEXT PRIMARY KEY,
			algorithm TEXT NOT NULL,
			private_key {{blob}},
			public_key {{blob}},
			created_at TEXT NOT NULL,
			active_at TEXT NOT NULL,
			retire_at TEXT NOT NULL,
			expire_at TEXT NOT NULL)`,
	},
	{ // 2: host-agent enrolments (store.Host). The *_key columns are NULL
		// when the value is "", so the UNIQUE join token and the serial
		// lookups never match a host without one.
		`CREATE TABLE hosts (
			id_key TEXT PRIMARY KEY,
			id TEXT NOT NULL,
			join_token_hash TEXT NOT NULL,
			join_key TEXT UNIQUE,
			join_expires_at TEXT NOT NULL,
			cert_serial TEXT NOT NULL,
			cert_key TEXT,
			cert_expires_at TEXT NOT NULL,
			prev_cert_serial TEXT NOT NULL,
			prev_cert_key TEXT,
			prev_cert_expires_at TEXT NOT NULL,
			joined_at TEXT NOT NULL,
			created_at TEXT NOT NULL,
			updated_at TEXT NOT NULL)`,
		`CREATE INDEX hosts_cert ON hosts (cert_key)`,
		`CREATE INDEX hosts_prev_cert ON hosts (prev_cert_key)`,
	},
	{ // 3: name lookups for types whose names are tenant-wide unique
		// (storage accounts and vaults are addressed by name on the data
		// plane). SQL lower() agrees with Go's for ASCII, and those names
		// are ASCII.
		`ALTER TABLE resources ADD COLUMN name_key TEXT NOT NULL DEFAULT ''`,
		`UPDATE resources SET name_key = lower(name)`,
		`CREATE INDEX resources_type_name ON resources (type_key, name_key)`,
	},
	{ // 4: Key Vault secrets (store.Secrets). vault_key is the vault
		// resource's id_key; DeleteResource removes these rows with the
		// vault, and the foreign keys refuse rows for a vault that is gone.
		// secrets.latest names the newest version, so a get of the latest
		// is one primary-key join; seq orders versions within a secret.
		// deleted_at is "" while the secret is live.
		`CREATE TABLE vault_keys (
			vault_key TEXT PRIMARY KEY REFERENCES resources (id_key) ON DELETE CASCADE,
			vault_id TEXT NOT NULL,
			generation TEXT NOT NULL,
			sealed {{blob}} NOT NULL,
			created_at TEXT NOT NULL)`,
		`CREATE TABLE secrets (
			vault_key TEXT NOT NULL REFERENCES resources (id_key) ON DELETE CASCADE,
			name_key TEXT NOT NULL,
			name TEXT NOT NULL,
			latest TEXT NOT NULL,
			seq BIGINT NOT NULL,
			deleted_at TEXT NOT NULL,
			purge_at TEXT NOT NULL,
			PRIMARY KEY (vault_key, name_key))`,
		`CREATE TABLE secret_versions (
			vault_key TEXT NOT NULL,
			name_key TEXT NOT NULL,
			version TEXT NOT NULL,
			seq BIGINT NOT NULL,
			value {{blob}} NOT NULL,
			content_type TEXT NOT NULL,
			tags TEXT,
			enabled INTEGER NOT NULL,
			not_before TEXT NOT NULL,
			expires TEXT NOT NULL,
			created_at TEXT NOT NULL,
			updated_at TEXT NOT NULL,
			PRIMARY KEY (vault_key, name_key, version),
			UNIQUE (vault_key, name_key, seq),
			FOREIGN KEY (vault_key, name_key) REFERENCES secrets (vault_key, name_key) ON DELETE CASCADE)`,
	},
}
