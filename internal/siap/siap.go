// Package siap is the client of SIAP, the State's financing platform
// (spec access-api-ops §2.2): habilitations, menu, operations, bailleur
// fusions and the SIAP configuration, over HTTP with an HS256 token per
// call, or from bundled sample payloads in mock mode (§2.7).
package siap

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Client is what APiLos asks SIAP. login is the CERBERE login of the
// user; habID the SIAP habilitation it acts with (0: none).
type Client interface {
	// Config returns SIAP's web URLs (cached, refreshed after 60 min).
	Config(ctx context.Context) (Config, error)
	// Habilitations returns every habilitation of login, whatever its statut.
	Habilitations(ctx context.Context, login string, habID int64) ([]Habilitation, error)
	// Menu returns SIAP's navigation menu for the habilitation.
	Menu(ctx context.Context, login string, habID int64) ([]MenuItem, error)
	// Operation returns the operation payload (decoded by the operation
	// import), or an Error of kind KindNotFound.
	Operation(ctx context.Context, login string, habID int64, numero string) (json.RawMessage, error)
	// Fusions returns the fusion records involving siren.
	Fusions(ctx context.Context, login string, habID int64, siren string) ([]Fusion, error)
}

// Config is SIAP's answer to /config.
type Config struct {
	// RacineURLAccesWeb is the root of SIAP's web site, without trailing "/".
	RacineURLAccesWeb string `json:"racineUrlAccesWeb"`
	// URLAccesWeb is the path of SIAP's home (habilitation switch link).
	URLAccesWeb string `json:"urlAccesWeb"`
	// URLAccesWebOperation is the path of an operation, with the
	// placeholder <NUM_OPE_SIAP>.
	URLAccesWebOperation string `json:"urlAccesWebOperation"`
}

// Code is a SIAP code that the payloads send as a JSON string or number
// (regComp.code is 93 in the samples); it keeps the decimal text.
type Code string

// UnmarshalJSON accepts a string, a number or null.
func (c *Code) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*c = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = Code(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("code SIAP : %s n'est ni un texte ni un nombre", b)
		}
		*c = Code(n.String())
	}
	return nil
}

// INSEE returns the code as an INSEE region or département code: a
// number sent without its leading zero (1 for Guadeloupe, 6 for
// Alpes-Maritimes) gets it back, so it compares with the programmes'
// code_insee_* columns.
func (c Code) INSEE() string {
	s := strings.TrimSpace(string(c))
	if _, err := strconv.Atoi(s); err == nil && len(s) == 1 {
		return "0" + s
	}
	return s
}

// Habilitation is one SIAP habilitation (the fields APiLos reads; the
// payload has more).
type Habilitation struct {
	ID               int64         `json:"id"`
	Groupe           Groupe        `json:"groupe"`
	Gestionnaire     *Gestionnaire `json:"gestionnaire"`
	EntiteMorale     *EntiteMorale `json:"entiteMorale"`
	PorteeTerritComp *Portee       `json:"porteeTerritComp"`
	Statut           string        `json:"statut"`
	DateExpiration   string        `json:"dateExpiration"`
	Utilisateur      *Utilisateur  `json:"utilisateur"`
	SousTitre1       string        `json:"sousTitre1"`
	SousTitre2       string        `json:"sousTitre2"`
}

// StatutValidee is the only statut of a usable habilitation.
const StatutValidee = "VALIDEE"

// Groupe is the role of a habilitation.
type Groupe struct {
	ID               int64  `json:"id"`
	Profil           Profil `json:"profil"`
	CodeRole         string `json:"codeRole"`
	LibelleRole      string `json:"libelleRole"`
	CodePorteeTerrit string `json:"codePorteeTerrit"`
}

// Profil is the kind of user (MO_PERS_MORALE, SER_GEST...).
type Profil struct {
	Code    string `json:"code"`
	Libelle string `json:"libelle"`
}

// Gestionnaire is the instructing service of a habilitation or operation.
type Gestionnaire struct {
	Code    Code   `json:"code"`
	Libelle string `json:"libelle"`
}

// EntiteMorale is the bailleur (maître d'ouvrage) of a habilitation, or
// the donneesMo of an operation.
type EntiteMorale struct {
	Nom           string `json:"nom"`
	RaisonSociale string `json:"raisonSociale"`
	Siren         Code   `json:"siren"`
	Siret         Code   `json:"siret"`
	Email         string `json:"email"`
	CodePostal    Code   `json:"codePostal"`
	Ville         string `json:"ville"`
	AdresseLigne  string `json:"adresseLigne"`
	AdresseLigne4 string `json:"adresseLigne4"`
	AdresseLigne6 string `json:"adresseLigne6"`
	CodeFamilleMO string `json:"codeFamilleMO"`
}

// Portee is the territory of a habilitation.
type Portee struct {
	CodePortee string     `json:"codePortee"`
	RegComp    *Territory `json:"regComp"`
	DepComp    *Territory `json:"depComp"`
	Libellee   string     `json:"libellee"`
}

// Territory is a region or département of a Portee.
type Territory struct {
	Code    Code   `json:"code"`
	Libelle string `json:"libelle"`
}

// Utilisateur is the SIAP user of a habilitation.
type Utilisateur struct {
	Nom    string `json:"nom"`
	Prenom string `json:"prenom"`
	Email  string `json:"email"`
}

// MenuItem is one entry of SIAP's navigation menu.
type MenuItem struct {
	Libelle   string     `json:"libelle"`
	Active    bool       `json:"active"`
	URL       string     `json:"url"`
	MenuItems []MenuItem `json:"menuItems"`
}

// Fusion records that sirenAbsorbant absorbed sirenAbsorbe.
type Fusion struct {
	SirenAbsorbe    Code   `json:"sirenAbsorbe"`
	SirenAbsorbant  Code   `json:"sirenAbsorbant"`
	DateFinValidite string `json:"dateFinValidite"`
}

// Valid keeps the habilitations whose statut is VALIDEE, in order.
func Valid(habs []Habilitation) []Habilitation {
	var out []Habilitation
	for _, h := range habs {
		if h.Statut == StatutValidee {
			out = append(out, h)
		}
	}
	return out
}
