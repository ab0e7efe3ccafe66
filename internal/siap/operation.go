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

// DecodeOperation reads an operation payload. A payload that is not the
// expected JSON is a KindData error (SIAP's data cannot be used).
func DecodeOperation(raw json.RawMessage) (Operation, error) {
	var op Operation
	if err := json.Unmarshal(raw, &op); err != nil {
		return op, &Error{Kind: KindData, Message: MsgNotCompleted, Detail: fmt.Sprintf("opération illisible : %v", err)}
	}
	return op, nil
}
