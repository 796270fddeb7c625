-- Schema of the accessibility-testing app at the time of the backup (PostgreSQL).

CREATE TABLE users (
    id uuid NOT NULL,
    email varchar(255) NOT NULL,
    display_name varchar(255),
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE projects (
    id uuid NOT NULL,
    owner_id uuid NOT NULL,
    name varchar(255) NOT NULL,
    slug varchar(255) NOT NULL,
    base_url text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    budget numeric(10,2),
    launch_date date,
    is_public boolean NOT NULL,
    notes text,
    CONSTRAINT projects_pkey PRIMARY KEY (id),
    CONSTRAINT projects_slug_key UNIQUE (slug)
);

CREATE TABLE test_sessions (
    id uuid NOT NULL,
    project_id uuid NOT NULL,
    name varchar(255) NOT NULL,
    status varchar(32) NOT NULL,
    "startedAt" timestamp with time zone,
    score numeric(5,2),
    settings jsonb NOT NULL,
    CONSTRAINT test_sessions_pkey PRIMARY KEY (id)
);

CREATE TABLE violations (
    id uuid NOT NULL,
    session_id uuid NOT NULL,
    rule_id varchar(64) NOT NULL,
    impact varchar(16) NOT NULL,
    selector text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT violations_pkey PRIMARY KEY (id)
);

CREATE TABLE auth_configs (
    id uuid NOT NULL,
    project_id uuid NOT NULL,
    login_url text NOT NULL,
    username_selector text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT auth_configs_pkey PRIMARY KEY (id)
);

CREATE TABLE "vector-sync-status" (
    id integer NOT NULL,
    project_id uuid NOT NULL,
    synced_at timestamp with time zone,
    state varchar(32) NOT NULL,
    last_error text,
    CONSTRAINT "vector-sync-status_pkey" PRIMARY KEY (id)
);

ALTER TABLE projects ADD CONSTRAINT projects_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id);
ALTER TABLE test_sessions ADD CONSTRAINT test_sessions_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE violations ADD CONSTRAINT violations_session_id_fkey FOREIGN KEY (session_id) REFERENCES test_sessions (id) ON DELETE CASCADE;
ALTER TABLE auth_configs ADD CONSTRAINT auth_configs_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id);
ALTER TABLE "vector-sync-status" ADD CONSTRAINT "vector-sync-status_project_id_fkey" FOREIGN KEY (project_id) REFERENCES projects (id);
