// Package dbops holds database administration done by operators rather
// than by the application: the read-only role Metabase connects with.
package dbops

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// roleName keeps role names plain: they end up in dashboards and URLs.
var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// ReadonlyRole describes the role to create or update.
type ReadonlyRole struct {
	Name string
	// Password sets (or changes) the login password; empty keeps the
	// current one (a new role without password cannot log in with one).
	Password string
	// TableOwners are the roles whose future tables the role may read
	// (ALTER DEFAULT PRIVILEGES FOR ROLE ...). Empty means the connected
	// role, the one that runs `apilos migrate` on the PaaS.
	TableOwners []string
}

// ReadonlyResult says what was done.
type ReadonlyResult struct {
	Created     bool
	Database    string
	TableOwners []string
	Tables      int
}

// CreateReadonlyRole creates or updates, in one transaction, a role that
// can read every table and view of the public schema, including the ones
// created later by the table owners, and write nothing. It is idempotent.
func CreateReadonlyRole(ctx context.Context, pool *pgxpool.Pool, r ReadonlyRole) (ReadonlyResult, error) {
	var res ReadonlyResult
	if !roleName.MatchString(r.Name) {
		return res, fmt.Errorf("nom de rôle %q invalide : lettres minuscules, chiffres et _ (63 caractères au plus), ex. metabase_lecture", r.Name)
	}
	if strings.ContainsRune(r.Password, 0) {
		return res, errors.New("mot de passe invalide : il contient un caractère nul")
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var me string
		var scs string
		if err := tx.QueryRow(ctx, "SELECT current_user, current_database(), current_setting('standard_conforming_strings')").Scan(&me, &res.Database, &scs); err != nil {
			return err
		}
		if scs != "on" {
			return errors.New("standard_conforming_strings doit valoir on pour écrire le mot de passe sans risque")
		}
		owners := r.TableOwners
		if len(owners) == 0 {
			owners = []string{me}
		}
		res.TableOwners = owners
		if r.Name == me {
			return fmt.Errorf("le rôle %q est celui de la connexion (propriétaire des tables) : choisissez un autre nom", r.Name)
		}

		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", r.Name).Scan(&exists); err != nil {
			return err
		}
		role := pgx.Identifier{r.Name}.Sanitize()
		db := pgx.Identifier{res.Database}.Sanitize()
		stmts := []string{}
		if !exists {
			res.Created = true
			stmts = append(stmts, "CREATE ROLE "+role+" LOGIN")
		}
		// Whatever the role was, it becomes a plain login role.
		stmts = append(stmts, "ALTER ROLE "+role+" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
		if r.Password != "" {
			stmts = append(stmts, "ALTER ROLE "+role+" PASSWORD "+quoteLiteral(r.Password))
		}
		stmts = append(stmts,
			// Sessions start read-only: a wrong query cannot write even where
			// a privilege was granted by mistake.
			"ALTER ROLE "+role+" SET default_transaction_read_only = on",
			"GRANT CONNECT ON DATABASE "+db+" TO "+role,
			"GRANT USAGE ON SCHEMA public TO "+role,
			"REVOKE CREATE ON SCHEMA public FROM "+role,
			// Write privileges an earlier grant may have given are taken back.
			"REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM "+role,
			"REVOKE USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public FROM "+role,
			"GRANT SELECT ON ALL TABLES IN SCHEMA public TO "+role,
		)
		for _, o := range owners {
			owner := pgx.Identifier{o}.Sanitize()
			stmts = append(stmts,
				"ALTER DEFAULT PRIVILEGES FOR ROLE "+owner+" IN SCHEMA public GRANT SELECT ON TABLES TO "+role,
				"ALTER DEFAULT PRIVILEGES FOR ROLE "+owner+" IN SCHEMA public REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES FROM "+role,
			)
		}
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return explain(err, s)
			}
		}
		// CREATE granted to PUBLIC (databases created before PostgreSQL 15)
		// cannot be revoked for one role: refuse rather than pretend.
		var canCreate bool
		if err := tx.QueryRow(ctx, "SELECT has_schema_privilege($1, 'public', 'CREATE')", r.Name).Scan(&canCreate); err != nil {
			return err
		}
		if canCreate {
			return errors.New("le schéma public accorde CREATE à tous les rôles (PUBLIC, base créée avant PostgreSQL 15) : " +
				"exécutez d'abord, avec le rôle propriétaire du schéma, REVOKE CREATE ON SCHEMA public FROM PUBLIC " +
				"(vérifiez que le rôle de l'application possède le schéma ou garde CREATE), puis relancez la commande")
		}
		return tx.QueryRow(ctx, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r','v','m','p','f') AND has_table_privilege($1, c.oid, 'SELECT')", r.Name).Scan(&res.Tables)
	})
	return res, err
}

// quoteLiteral writes s as a standard SQL string literal (with
// standard_conforming_strings on, only quotes need doubling).
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// explain turns the usual privilege errors into the fix to apply.
func explain(err error, stmt string) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "42501" {
		if strings.HasPrefix(stmt, "CREATE ROLE") || strings.HasPrefix(stmt, "ALTER ROLE") {
			return fmt.Errorf("le rôle connecté ne peut pas créer ou modifier de rôle (droit CREATEROLE) : utilisez un rôle administrateur, ou créez l'utilisateur en lecture seule depuis le tableau de bord de la base chez l'hébergeur (%s)", pg.Message)
		}
		if strings.HasPrefix(stmt, "ALTER DEFAULT PRIVILEGES") {
			return fmt.Errorf("droits par défaut refusés : le rôle connecté doit être membre du rôle propriétaire des tables (--table-owner) (%s)", pg.Message)
		}
	}
	// The statement carries no secret except ALTER ROLE ... PASSWORD.
	if strings.Contains(stmt, " PASSWORD ") {
		stmt = "ALTER ROLE ... PASSWORD ..."
	}
	return fmt.Errorf("%s : %w", stmt, err)
}
