package jwt

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"
)

var (
	key = []byte("clé de test partagée avec le SIAP")
	t0  = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
)

func b64(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// forge builds a token by hand, so the tests do not depend on the
// library to produce the refused shapes.
func forge(header, payload map[string]any, sign func(signingInput string) string) string {
	in := b64(header) + "." + b64(payload)
	return in + "." + sign(in)
}

func hs256(k []byte) func(string) string {
	return func(in string) string {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(in))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}
}

func hs512(k []byte) func(string) string {
	return func(in string) string {
		m := hmac.New(sha512.New, k)
		m.Write([]byte(in))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}
}

func payload(mod func(map[string]any)) map[string]any {
	p := map[string]any{
		"token_type":      "access",
		"iat":             t0.Unix(),
		"exp":             t0.Add(Lifetime).Unix(),
		"jti":             "5b0c6e2e-4c57-4a52-9d3e-0a5f1f0f3a11",
		"user-login":      "nicolas.oudard",
		"habilitation-id": 12,
	}
	if mod != nil {
		mod(p)
	}
	return p
}

var hsHeader = map[string]any{"alg": "HS256", "typ": "JWT"}

func TestVerify(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs256, err := gojwt.NewWithClaims(gojwt.SigningMethodRS256, gojwt.MapClaims(payload(nil))).SignedString(rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(key, "nicolas.oudard", 12, t0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		token   string
		now     time.Time
		want    Claims // checked when wantErr is empty
		wantErr string
	}{
		{name: "signed by Sign", token: signed, now: t0.Add(time.Minute),
			want: Claims{UserLogin: "nicolas.oudard", HabilitationID: 12}},
		{name: "forged valid", token: forge(hsHeader, payload(nil), hs256(key)), now: t0,
			want: Claims{UserLogin: "nicolas.oudard", HabilitationID: 12, JTI: "5b0c6e2e-4c57-4a52-9d3e-0a5f1f0f3a11"}},
		{name: "without habilitation-id", token: forge(hsHeader, payload(func(p map[string]any) { delete(p, "habilitation-id") }), hs256(key)), now: t0,
			want: Claims{UserLogin: "nicolas.oudard"}},
		{name: "empty user-login (SIAP config call)", token: forge(hsHeader, payload(func(p map[string]any) { p["user-login"] = "" }), hs256(key)), now: t0,
			want: Claims{UserLogin: "", HabilitationID: 12}},
		{name: "last second", token: signed, now: t0.Add(Lifetime - time.Second),
			want: Claims{UserLogin: "nicolas.oudard", HabilitationID: 12}},
		{name: "expired", token: signed, now: t0.Add(Lifetime + time.Second), wantErr: "jeton expiré"},
		{name: "wrong key", token: forge(hsHeader, payload(nil), hs256([]byte("une autre clé"))), now: t0, wantErr: "signature incorrecte"},
		{name: "alg none", token: forge(map[string]any{"alg": "none", "typ": "JWT"}, payload(nil), func(string) string { return "" }), now: t0, wantErr: "seul HS256"},
		{name: "alg none signed with key", token: forge(map[string]any{"alg": "none"}, payload(nil), hs256(key)), now: t0, wantErr: "seul HS256"},
		{name: "RS256", token: rs256, now: t0, wantErr: "seul HS256"},
		{name: "HS512 with the right key", token: forge(map[string]any{"alg": "HS512"}, payload(nil), hs512(key)), now: t0, wantErr: "seul HS256"},
		{name: "missing exp", token: forge(hsHeader, payload(func(p map[string]any) { delete(p, "exp") }), hs256(key)), now: t0, wantErr: "exp"},
		{name: "missing jti", token: forge(hsHeader, payload(func(p map[string]any) { delete(p, "jti") }), hs256(key)), now: t0, wantErr: "jti"},
		{name: "missing token_type", token: forge(hsHeader, payload(func(p map[string]any) { delete(p, "token_type") }), hs256(key)), now: t0, wantErr: "token_type"},
		{name: "refresh token", token: forge(hsHeader, payload(func(p map[string]any) { p["token_type"] = "refresh" }), hs256(key)), now: t0, wantErr: "token_type"},
		{name: "missing user-login", token: forge(hsHeader, payload(func(p map[string]any) { delete(p, "user-login") }), hs256(key)), now: t0, wantErr: "user-login"},
		{name: "habilitation-id not a number", token: forge(hsHeader, payload(func(p map[string]any) { p["habilitation-id"] = "douze" }), hs256(key)), now: t0, wantErr: "format incorrect"},
		// The 5-minute protocol (issue 11): iat required, not ahead of
		// the clock beyond MaxClockSkew, lifetime capped, numeric dates.
		{name: "missing iat", token: forge(hsHeader, payload(func(p map[string]any) { delete(p, "iat") }), hs256(key)), now: t0, wantErr: "iat"},
		{name: "iat in the future", token: forge(hsHeader, payload(func(p map[string]any) {
			p["iat"], p["exp"] = t0.Add(time.Hour).Unix(), t0.Add(time.Hour+Lifetime).Unix()
		}), hs256(key)), now: t0, wantErr: "émis dans le futur"},
		{name: "iat within the clock skew", token: forge(hsHeader, payload(func(p map[string]any) {
			p["iat"], p["exp"] = t0.Add(MaxClockSkew).Unix(), t0.Add(MaxClockSkew+Lifetime).Unix()
		}), hs256(key)), now: t0, want: Claims{UserLogin: "nicolas.oudard", HabilitationID: 12}},
		{name: "exp ten years ahead", token: forge(hsHeader, payload(func(p map[string]any) { p["exp"] = t0.AddDate(10, 0, 0).Unix() }), hs256(key)), now: t0, wantErr: "durée de validité"},
		{name: "exp one second beyond the lifetime", token: forge(hsHeader, payload(func(p map[string]any) { p["exp"] = t0.Add(Lifetime + time.Second).Unix() }), hs256(key)), now: t0, wantErr: "durée de validité"},
		{name: "exp as a string", token: forge(hsHeader, payload(func(p map[string]any) { p["exp"] = strconv.FormatInt(t0.Add(Lifetime).Unix(), 10) }), hs256(key)), now: t0, wantErr: "nombres"},
		{name: "iat as a string", token: forge(hsHeader, payload(func(p map[string]any) { p["iat"] = strconv.FormatInt(t0.Unix(), 10) }), hs256(key)), now: t0, wantErr: "nombres"},
		{name: "nbf in the future", token: forge(hsHeader, payload(func(p map[string]any) { p["nbf"] = t0.Add(time.Minute).Unix() }), hs256(key)), now: t0, wantErr: "émis dans le futur"},
		{name: "garbage", token: "pas.un.jeton", now: t0, wantErr: "format incorrect"},
		{name: "empty", token: "", now: t0, wantErr: "format incorrect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewVerifier(key, func() time.Time { return tt.now }).Verify(tt.token)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.UserLogin != tt.want.UserLogin || c.HabilitationID != tt.want.HabilitationID {
				t.Errorf("claims = %+v, want %+v", c, tt.want)
			}
			if tt.want.JTI != "" && c.JTI != tt.want.JTI {
				t.Errorf("jti = %q, want %q", c.JTI, tt.want.JTI)
			}
			if !c.ExpiresAt.Equal(c.IssuedAt.Add(Lifetime)) {
				t.Errorf("exp = %v", c.ExpiresAt)
			}
		})
	}
}

func TestVerifyWithoutKeyRefusesEverything(t *testing.T) {
	// An empty HMAC key must not turn into a key anybody can use.
	tok := forge(hsHeader, payload(nil), hs256(nil))
	if _, err := NewVerifier(nil, func() time.Time { return t0 }).Verify(tok); err != ErrNoKey {
		t.Fatalf("err = %v, want ErrNoKey", err)
	}
	if _, err := Sign(nil, "x", 0, t0); err != ErrNoKey {
		t.Fatalf("Sign err = %v, want ErrNoKey", err)
	}
}

func TestSignClaims(t *testing.T) {
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, habID := range []int64{0, 38} {
		tok, err := Sign(key, "login@siap", habID, t0)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(tok, ".")
		if len(parts) != 3 {
			t.Fatalf("token %q", tok)
		}
		var h, p map[string]any
		for i, dst := range []*map[string]any{&h, &p} {
			raw, err := base64.RawURLEncoding.DecodeString(parts[i])
			if err != nil {
				t.Fatal(err)
			}
			d := json.NewDecoder(strings.NewReader(string(raw)))
			d.UseNumber()
			if err := d.Decode(dst); err != nil {
				t.Fatal(err)
			}
		}
		if h["alg"] != "HS256" {
			t.Errorf("alg = %v", h["alg"])
		}
		if got := hs256(key)(parts[0] + "." + parts[1]); got != parts[2] {
			t.Errorf("signature is not HS256 with the key")
		}
		num := func(k string) int64 {
			n, ok := p[k].(json.Number)
			if !ok {
				t.Fatalf("%s = %#v, want a number", k, p[k])
			}
			v, _ := n.Int64()
			return v
		}
		if num("iat") != t0.Unix() || num("exp") != t0.Unix()+300 {
			t.Errorf("iat/exp = %v/%v", p["iat"], p["exp"])
		}
		if p["token_type"] != "access" || p["user-login"] != "login@siap" {
			t.Errorf("payload = %v", p)
		}
		if jti, _ := p["jti"].(string); !uuidRE.MatchString(jti) {
			t.Errorf("jti %q is not a UUID4", p["jti"])
		}
		_, has := p["habilitation-id"]
		if habID == 0 && has {
			t.Errorf("habilitation-id present for 0: %v", p)
		}
		if habID != 0 && num("habilitation-id") != habID {
			t.Errorf("habilitation-id = %v", p["habilitation-id"])
		}
		wantKeys := 5
		if habID != 0 {
			wantKeys = 6
		}
		if len(p) != wantKeys {
			t.Errorf("claims %v: want exactly %d", p, wantKeys)
		}
	}
	a, _ := Sign(key, "x", 1, t0)
	b, _ := Sign(key, "x", 1, t0)
	if a == b {
		t.Error("two tokens share their jti")
	}
}
