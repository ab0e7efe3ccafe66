package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Programme is what the reassignment commands show of a programme.
type Programme struct {
	ID               int
	UUID             string
	Nom              string
	NumeroOperation  string
	ParentID         *int    // set on an avenant copy of a programme
	ParentUUID       *string // uuid of that root programme
	BailleurID       int
	AdministrationID *int
}

// Administration is an instructing service.
type Administration struct {
	ID   int
	Code string
	Nom  string
}

// Bailleur is a social landlord.
type Bailleur struct {
	ID    int
	Siret string
	Siren string
	Nom   string
}

// ParseUUID checks a programme identifier typed by hand: surrounding
// spaces are ignored, upper case is accepted, braces and "urn:uuid:" are
// not. It returns the canonical lower-case form.
func ParseUUID(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return "", errors.New("identifiant UUID du programme manquant : saisissez un identifiant au format xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
	}
	ok := len(t) == 36
	for i := 0; ok && i < len(t); i++ {
		c := t[i]
		switch i {
		case 8, 13, 18, 23:
			ok = c == '-'
		default:
			ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
		}
	}
	if !ok {
		return "", fmt.Errorf("identifiant UUID invalide « %s » : attendu 32 chiffres hexadécimaux au format xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (ex. 4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194)", strings.TrimSpace(s))
	}
	return t, nil
}

const programmeColumns = `p.id, p.uuid::text, p.nom, p.numero_operation, p.parent_id, pp.uuid::text, p.bailleur_id, p.administration_id`

func scanProgramme(row pgx.Row) (Programme, error) {
	var p Programme
	err := row.Scan(&p.ID, &p.UUID, &p.Nom, &p.NumeroOperation, &p.ParentID, &p.ParentUUID, &p.BailleurID, &p.AdministrationID)
	return p, err
}

// FindProgramme returns the programme whose uuid is uuid (checked with
// ParseUUID first). An unknown uuid gives a French error naming it.
func FindProgramme(ctx context.Context, db DB, uuid string) (Programme, error) {
	u, err := ParseUUID(uuid)
	if err != nil {
		return Programme{}, err
	}
	p, err := scanProgramme(db.QueryRow(ctx, `SELECT `+programmeColumns+`
FROM programmes_programme p LEFT JOIN programmes_programme pp ON pp.id = p.parent_id
WHERE p.uuid = $1::uuid ORDER BY p.id LIMIT 1`, u))
	if errors.Is(err, pgx.ErrNoRows) {
		return Programme{}, fmt.Errorf("aucun programme n'a l'identifiant UUID « %s » : vérifiez l'identifiant (fiche du programme dans l'administration du site)", u)
	}
	if err != nil {
		return Programme{}, fmt.Errorf("lecture du programme %s : %w", u, err)
	}
	return p, nil
}

// FindAdministration returns the administration of the given code
// (surrounding spaces ignored).
func FindAdministration(ctx context.Context, db DB, code string) (Administration, error) {
	c := strings.TrimSpace(code)
	if c == "" {
		return Administration{}, errors.New("code de l'administration manquant : saisissez le code de l'administration (ex. 13055)")
	}
	var a Administration
	err := db.QueryRow(ctx, `SELECT id, code, nom FROM instructeurs_administration WHERE code = $1`, c).Scan(&a.ID, &a.Code, &a.Nom)
	if errors.Is(err, pgx.ErrNoRows) {
		return Administration{}, fmt.Errorf("aucune administration n'a le code « %s » : vérifiez le code (liste des administrations dans l'administration du site)", c)
	}
	if err != nil {
		return Administration{}, fmt.Errorf("lecture de l'administration %s : %w", c, err)
	}
	return a, nil
}

// NormalizeSiret removes the spaces people copy with a SIRET
// ("484 963 699 00026").
func NormalizeSiret(siret string) string {
	return strings.Join(strings.Fields(siret), "")
}

// FindBailleur returns the bailleur of the given SIRET (spaces ignored).
func FindBailleur(ctx context.Context, db DB, siret string) (Bailleur, error) {
	s := NormalizeSiret(siret)
	if s == "" {
		return Bailleur{}, errors.New("SIRET du bailleur manquant : saisissez les 14 chiffres du SIRET (ex. 48496369900026)")
	}
	var b Bailleur
	var siren *string
	err := db.QueryRow(ctx, `SELECT id, siret, siren, nom FROM bailleurs_bailleur WHERE siret = $1`, s).Scan(&b.ID, &b.Siret, &siren, &b.Nom)
	if errors.Is(err, pgx.ErrNoRows) {
		return Bailleur{}, fmt.Errorf("aucun bailleur n'a le SIRET « %s » : vérifiez le numéro (liste des bailleurs dans l'administration du site)", s)
	}
	if err != nil {
		return Bailleur{}, fmt.Errorf("lecture du bailleur %s : %w", s, err)
	}
	if siren != nil {
		b.Siren = *siren
	}
	return b, nil
}

// Reassignment is the outcome of a programme reassignment.
type Reassignment struct {
	Programme Programme
	// Copies is the number of avenant copies of the programme (programmes
	// whose parent is it) changed with it.
	Copies int
}

// SetProgrammeAdministration attaches the programme (by uuid) and its
// avenant copies to the administration of the given code, in one
// transaction. Nothing is written when the programme or the
// administration does not exist.
func SetProgrammeAdministration(ctx context.Context, db TxBeginner, programmeUUID, code string) (Reassignment, error) {
	var r Reassignment
	err := inTx(ctx, db, func(tx pgx.Tx) error {
		p, err := lockProgramme(ctx, tx, programmeUUID)
		if err != nil {
			return err
		}
		a, err := FindAdministration(ctx, tx, code)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE programmes_programme SET administration_id = $2, mis_a_jour_le = now() WHERE id = $1`, p.ID, a.ID); err != nil {
			return fmt.Errorf("mise à jour du programme : %w", err)
		}
		tag, err := tx.Exec(ctx, `UPDATE programmes_programme SET administration_id = $2, mis_a_jour_le = now() WHERE parent_id = $1`, p.ID, a.ID)
		if err != nil {
			return fmt.Errorf("mise à jour des copies d'avenant du programme : %w", err)
		}
		p.AdministrationID = &a.ID
		r = Reassignment{Programme: p, Copies: int(tag.RowsAffected())}
		return nil
	})
	return r, err
}

// SetProgrammeBailleur attaches the programme (by uuid) and its avenant
// copies to the bailleur of the given SIRET, in one transaction.
func SetProgrammeBailleur(ctx context.Context, db TxBeginner, programmeUUID, siret string) (Reassignment, error) {
	var r Reassignment
	err := inTx(ctx, db, func(tx pgx.Tx) error {
		p, err := lockProgramme(ctx, tx, programmeUUID)
		if err != nil {
			return err
		}
		b, err := FindBailleur(ctx, tx, siret)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE programmes_programme SET bailleur_id = $2, mis_a_jour_le = now() WHERE id = $1`, p.ID, b.ID); err != nil {
			return fmt.Errorf("mise à jour du programme : %w", err)
		}
		tag, err := tx.Exec(ctx, `UPDATE programmes_programme SET bailleur_id = $2, mis_a_jour_le = now() WHERE parent_id = $1`, p.ID, b.ID)
		if err != nil {
			return fmt.Errorf("mise à jour des copies d'avenant du programme : %w", err)
		}
		p.BailleurID = b.ID
		r = Reassignment{Programme: p, Copies: int(tag.RowsAffected())}
		return nil
	})
	return r, err
}

// lockProgramme reads the programme and locks its row until the end of
// the transaction, so two support staff cannot interleave changes.
func lockProgramme(ctx context.Context, tx pgx.Tx, uuid string) (Programme, error) {
	p, err := FindProgramme(ctx, tx, uuid)
	if err != nil {
		return p, err
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM programmes_programme WHERE id = $1 OR parent_id = $1 FOR UPDATE`, p.ID); err != nil {
		return p, fmt.Errorf("verrouillage du programme : %w", err)
	}
	return p, nil
}
