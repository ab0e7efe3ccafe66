package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/ops"
	"github.com/MTES-MCT/apilos-go/internal/prompt"
)

// reassignment is one of the deployment document's two "move a programme"
// dialogues (to an administration, to a bailleur): the same steps, with
// their own target and wording.
type reassignment struct {
	askKey  string // question for the target's key (code, SIRET)
	confirm string // the (Non/oui) question
	// find resolves the key; it returns the target's name and its key as
	// stored.
	find      func(ctx context.Context, pool *pgxpool.Pool, key string) (name, stored string, err error)
	announce  func(prog, name, key string) string // "... va être attribué ..." line
	unchanged func(prog string) string
	apply     func(ctx context.Context, pool *pgxpool.Pool, progUUID, key string) (ops.Reassignment, error)
	done      func(prog, key string) string
	// repeat prints the announce line again at the end, as the document's
	// administration dialogue does.
	repeat bool
}

// run is the dialogue: programme, target, confirmation (only « oui »
// changes anything, --yes skips it), change, final lines. Flags given
// replace the questions.
func (d reassignment) run(cmd *cobra.Command, programme, key string, yes bool) error {
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	pool, err := connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	p := prompt.New(cmd.InOrStdin(), out)

	if programme == "" {
		if programme, err = ask(p, "Quel est l'identifiant UUID du programme à modifier ? "); err != nil {
			return err
		}
	}
	prog, err := ops.FindProgramme(ctx, pool, programme)
	if err != nil {
		return nothingChanged(err)
	}
	fmt.Fprintf(out, "le programme `%s` : `%s` va être modifié\n", prog.UUID, prog.Nom)
	warnAvenantCopy(cmd, prog)

	if key == "" {
		if key, err = ask(p, d.askKey); err != nil {
			return err
		}
	}
	name, key, err := d.find(ctx, pool, key)
	if err != nil {
		return nothingChanged(err)
	}
	announce := d.announce(prog.Nom, name, key)
	fmt.Fprint(out, announce)

	if !yes {
		ok, err := confirmOui(p, d.confirm)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprint(out, d.unchanged(prog.Nom))
			return nil
		}
	}
	r, err := d.apply(ctx, pool, prog.UUID, key)
	if err != nil {
		return nothingChanged(err)
	}
	fmt.Fprint(out, d.done(prog.Nom, key))
	printCopies(cmd, r.Copies)
	if d.repeat {
		fmt.Fprint(out, announce)
	}
	return nil
}

// warnAvenantCopy tells when the programme given is itself an avenant
// copy: only that copy changes, not its root programme.
func warnAvenantCopy(cmd *cobra.Command, p ops.Programme) {
	if p.ParentUUID != nil {
		fmt.Fprintf(cmd.OutOrStdout(), "attention : ce programme est une copie d'avenant du programme `%s` ; seule cette copie sera modifiée (indiquez l'UUID du programme d'origine pour modifier toute l'opération)\n", *p.ParentUUID)
	}
}

// printCopies adds the count of avenant copies changed, only when there
// are some, so the documented dialogue stays word for word.
func printCopies(cmd *cobra.Command, n int) {
	if n > 0 {
		fmt.Fprintf(cmd.OutOrStdout(), "%d copie(s) d'avenant du programme mise(s) à jour\n", n)
	}
}
