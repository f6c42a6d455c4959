-- The budtab dataset: what `budtab build` writes, `budtab merge` combines
-- and `budtab export` reads.  Compiled into the binary (tools/embed-text);
-- PRAGMA user_version is the schema's version.  Amounts are in 万元 as
-- printed; a null is a field the document leaves empty.

PRAGMA user_version = 1;

-- One row a input file.  A document is identified by sha256: building
-- again skips a file whose content is already here, and a path whose
-- content changed replaces its old row (and, by cascade, its projects).
CREATE TABLE documents (
	id            INTEGER PRIMARY KEY,
	path          TEXT NOT NULL UNIQUE,   -- as found under the DIR argument
	sha256        TEXT NOT NULL UNIQUE,   -- hex of the file's bytes
	size          INTEGER NOT NULL,       -- bytes
	input         TEXT CHECK (input IN ('pdf', 'text')),
	pages         INTEGER,                -- null for text dumps and failures
	title         TEXT,
	year          INTEGER,
	department    TEXT,
	status        TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
	error         TEXT,                   -- why it failed; null when ok
	n_warnings    INTEGER,
	extracted_at  TEXT NOT NULL,          -- ISO 8601, UTC
	tool_version  TEXT NOT NULL,          -- budtab's version
	record_json   TEXT                    -- the whole budtab/1 document; null when failed
);
CREATE INDEX documents_year ON documents (year, department);
CREATE INDEX documents_department ON documents (department, year);
CREATE INDEX documents_status ON documents (status);

-- One row a performance-goal table (budtab/1 projects[]).
CREATE TABLE projects (
	id           INTEGER PRIMARY KEY,
	document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,        -- 1-based order in the document
	title        TEXT,
	pages        TEXT,                    -- JSON array of pages, e.g. [6,7]; null for text input
	first_page   INTEGER,
	unit_code    TEXT,
	unit_name    TEXT,
	code         TEXT,                    -- 项目编码 as printed
	name         TEXT,
	purpose      TEXT,
	UNIQUE (document_id, seq)
);
CREATE INDEX projects_code ON projects (code);

CREATE TABLE budget (
	project_id  INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
	total       REAL,                     -- 预算数
	fiscal      REAL,                     -- 其中:财政资金
	other       REAL                      -- 其他资金
);

CREATE TABLE schedule (
	project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,         -- printed order, 1-based
	label       TEXT,
	month       INTEGER,
	percent     REAL,
	PRIMARY KEY (project_id, seq)
);

CREATE TABLE goals (
	project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	text        TEXT NOT NULL,
	PRIMARY KEY (project_id, seq)
);

CREATE TABLE indicators (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	seq           INTEGER NOT NULL,       -- row order in the table, 1-based
	level1        TEXT,
	level2        TEXT,
	level3        TEXT,
	description   TEXT,
	target_text   TEXT,
	target_op     TEXT,                   -- '>=', '<=', '=', '>', '<' or null
	target_value  REAL,
	target_unit   TEXT,
	basis         TEXT,
	extra         TEXT,                   -- JSON object of extra columns, or null
	page          INTEGER,                -- first page of the table the row is in
	UNIQUE (project_id, seq)
);
CREATE INDEX indicators_level2 ON indicators (level2, level1);
CREATE INDEX indicators_level3 ON indicators (level3);

CREATE TABLE warnings (
	document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,
	page         INTEGER,
	code         TEXT NOT NULL,
	message      TEXT,
	PRIMARY KEY (document_id, seq)
);
CREATE INDEX warnings_code ON warnings (code);

-- Flat views `budtab export --table NAME` writes: no internal ids, the
-- document's path (and project seq) as keys, one row each.
CREATE VIEW export_documents AS
	SELECT path, sha256, size, input, pages, title, year, department,
		status, error, n_warnings, extracted_at, tool_version
	FROM documents ORDER BY path;

CREATE VIEW export_projects AS
	SELECT d.path, d.year, d.department, p.seq, p.title, p.pages,
		p.unit_code, p.unit_name, p.code, p.name,
		b.total AS budget_total, b.fiscal AS budget_fiscal,
		b.other AS budget_other, p.purpose,
		(SELECT json_group_array(json_object('label', label,
				'month', month, 'percent', percent))
			FROM (SELECT * FROM schedule s WHERE s.project_id = p.id
				ORDER BY s.seq)) AS schedule,
		(SELECT json_group_array(text)
			FROM (SELECT text FROM goals g WHERE g.project_id = p.id
				ORDER BY g.seq)) AS goals,
		(SELECT count(*) FROM indicators i WHERE i.project_id = p.id)
			AS n_indicators
	FROM projects p JOIN documents d ON d.id = p.document_id
	LEFT JOIN budget b ON b.project_id = p.id
	ORDER BY d.path, p.seq;

CREATE VIEW export_indicators AS
	SELECT d.path, d.year, d.department, p.seq AS project_seq,
		p.code AS project_code, p.name AS project_name,
		p.unit_name, b.total AS budget_total, i.seq, i.level1, i.level2,
		i.level3, i.description, i.target_text, i.target_op,
		i.target_value, i.target_unit, i.basis, i.extra, i.page
	FROM indicators i JOIN projects p ON p.id = i.project_id
	JOIN documents d ON d.id = p.document_id
	LEFT JOIN budget b ON b.project_id = p.id
	ORDER BY d.path, p.seq, i.seq;

CREATE VIEW export_schedule AS
	SELECT d.path, p.seq AS project_seq, p.code AS project_code, s.seq,
		s.label, s.month, s.percent
	FROM schedule s JOIN projects p ON p.id = s.project_id
	JOIN documents d ON d.id = p.document_id
	ORDER BY d.path, p.seq, s.seq;

CREATE VIEW export_goals AS
	SELECT d.path, p.seq AS project_seq, p.code AS project_code, g.seq,
		g.text
	FROM goals g JOIN projects p ON p.id = g.project_id
	JOIN documents d ON d.id = p.document_id
	ORDER BY d.path, p.seq, g.seq;

CREATE VIEW export_warnings AS
	SELECT d.path, w.seq, w.page, w.code, w.message
	FROM warnings w JOIN documents d ON d.id = w.document_id
	ORDER BY d.path, w.seq;
