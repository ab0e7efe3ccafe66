// Package ops holds the domain side of the operations commands that support
// staff run on the PaaS (apilos programme_update_administration,
// clear_all_data, load_test_fixtures, ...): one function per operation,
// explicit parameters, results and French errors. Dialogues and printing
// live in cmd/apilos.
package ops

import (
	"context"
	"errors"
	"fmt"

	"github.com/MTES-MCT/apilos-go/internal/db"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/config"
)

// DB is what the read functions need: a pool or a transaction.
type DB = db.Querier

// TxBeginner starts transactions: *pgxpool.Pool, *pgx.Conn or pgx.Tx
// (a nested Begin is a savepoint).
type TxBeginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// ErrProduction marks a command refused because the environment is a
// production one.
var ErrProduction = errors.New("environnement de production")

// productionError names the environment; errors.Is(err, ErrProduction).
type productionError struct{ env string }

func (e productionError) Error() string {
	return fmt.Sprintf("commande refusée : l'environnement « %s » est un environnement de production, rien n'a été modifié", e.env)
}

func (e productionError) Is(target error) bool { return target == ErrProduction }

// RefuseInProduction is the one guard of every destructive command: it
// returns an error when env is a production environment (production,
// siap-production, or any value containing "prod", see config.IsProduction).
// Commands call it before reading or writing anything.
func RefuseInProduction(env string) error {
	if config.IsProduction(env) {
		return productionError{env: env}
	}
	return nil
}

// inTx runs fn in one transaction of db, committed when fn succeeds.
func inTx(ctx context.Context, db TxBeginner, fn func(pgx.Tx) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("connexion à la base de données : %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("validation de la transaction : %w", err)
	}
	return nil
}
