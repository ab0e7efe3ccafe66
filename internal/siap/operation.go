package siap

import (
	"encoding/json"
	"fmt"
)

// Operation is the part of SIAP's operation payload APiLos reads (spec
// access-api-ops §2.4; the payload has more).
type Operation struct {
	DonneesMo           *EntiteMorale       `json:"donneesMo"`
	EntiteMorale        *EntiteMorale       `json:"entiteMorale"`
	DonneesLocalisation DonneesLocalisation `json:"donneesLocalisation"`
	DonneesOperation    DonneesOperation    `json:"donneesOperation"`
	// DetailsOperation is null for an operation without works.
	DetailsOperation []DetailOperation `json:"detailsOperation"`
	// PlansFinancement are the financing plans, one per aid.
	PlansFinancement []PlanFinancement `json:"plansFinancement"`
	Gestionnaire     *Gestionnaire     `json:"gestionnaire"`
}

// DonneesLocalisation is where the operation is.
type DonneesLocalisation struct {
	Region          *Localite        `json:"region"`
	Departement     *Localite        `json:"departement"`
	Commune         *Localite        `json:"commune"`
	Adresse         string           `json:"adresse"`
	AdresseComplete *AdresseComplete `json:"adresseComplete"`
	Zonage123       string           `json:"zonage123"`
	ZonageABC       string           `json:"zonageABC"`
}

// Localite is a region, département or commune with its INSEE code.
type Localite struct {
	CodeInsee Code   `json:"codeInsee"`
	Libelle   string `json:"libelle"`
}

// AdresseComplete is the structured address, when SIAP has it.
type AdresseComplete struct {
	Adresse    string `json:"adresse"`
	CodePostal Code   `json:"codePostal"`
	Commune    string `json:"commune"`
}

// DonneesOperation are the operation's general data.
type DonneesOperation struct {
	NomOperation        string `json:"nomOperation"`
	NumeroOperation     string `json:"numeroOperation"`
	Aides               []Aide `json:"aides"`
	SousNatureOperation string `json:"sousNatureOperation"`
	NatureLogement      string `json:"natureLogement"`
	Typologie           string `json:"typologie"`
	SansTravaux         bool   `json:"sansTravaux"`
}

// Aide is a financing aid (its code is a financement: PLUS, PLAI...).
type Aide struct {
	Code    string `json:"code"`
	Libelle string `json:"libelle"`
}

// DetailOperation is the part of the operation financed by one aid.
type DetailOperation struct {
	Aide     Aide          `json:"aide"`
	Logement *NbLogements  `json:"logement"`
	Garages  []GarageCount `json:"garages"`
	Loyers   []Loyer       `json:"loyers"`
}

// NbLogements counts the dwellings of an aid (null: none of that kind).
type NbLogements struct {
	NbLogementsIndividuels *int64 `json:"nbLogementsIndividuels"`
	NbLogementsCollectifs  *int64 `json:"nbLogementsCollectifs"`
}

// GarageCount counts the garages of one type.
type GarageCount struct {
	Type                 string `json:"type"`
	NbGaragesIndividuels *int64 `json:"nbGaragesIndividuels"`
	NbGaragesCollectifs  *int64 `json:"nbGaragesCollectifs"`
}

// Loyer is a rent of an aid; APiLos reads only the garage rents.
type Loyer struct {
	LoyerGarages []LoyerGarage `json:"loyerGarages"`
}

// LoyerGarage is the rent of one type of garage (null: none given).
type LoyerGarage struct {
	Type  string      `json:"type"`
	Loyer json.Number `json:"loyer"`
}

// PlanFinancement is the financing plan of one aid: its loans and the
// subsidies of each aid.
type PlanFinancement struct {
	CodeAide    string       `json:"codeAide"`
	Prets       []PretSIAP   `json:"prets"`
	Subventions []Subvention `json:"subventions"`
}

// PretSIAP is a loan of a financing plan; APiLos reads its amount only
// (null: none given).
type PretSIAP struct {
	Montant json.Number `json:"montant"`
}

// Subvention is a subsidy; Type is the aid it finances.
type Subvention struct {
	Type    string      `json:"type"`
	Montant json.Number `json:"montant"`
}

// DecodeOperation reads an operation payload. A payload that is not the
// expected JSON is a KindData error (SIAP's data cannot be used).
func DecodeOperation(raw json.RawMessage) (Operation, error) {
	var op Operation
	if err := json.Unmarshal(raw, &op); err != nil {
		return op, &Error{Kind: KindData, Message: MsgNotCompleted, Detail: fmt.Sprintf("opération illisible : %v", err)}
	}
	return op, nil
}
