package sign

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// testKey is a fixed key (RFC 8032 test 1's seed) so failures reproduce.
func testKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	seed, err := base64.StdEncoding.DecodeString("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

func TestSignVerifyRoundTrip(t *testing.T) {
	key := testKey(t)
	payloads := []string{
		`{}`,
		`{ }`,
		"{\n}",
		`{"a":1}`,
		`{"id":"7f3a","rev":3,"state":"active","pos":{"lat":43.5,"lon":-9.2},"agencies":["SASEMAR","GC"]}`,
		"{\n  \"pretty\": true,\n  \"n\": [1, 2, 3]\n}",
		`{"note":"ends like a signature ,\"sig\":\"ed25519:AAAA\"}","x":"ñ✓"}`,
		`{"nested":{"sig":"not top level"}}`,
		`{"a":1,"a":2}`,
	}
	for _, p := range payloads {
		signed, err := Sign(key, []byte(p))
		if err != nil {
			t.Fatalf("Sign(%s): %v", p, err)
		}
		if err := Verify(pubOf(key), signed); err != nil {
			t.Errorf("Verify(%s): %v", signed, err)
		}
		if !json.Valid(signed) {
			t.Errorf("signed %s is not valid JSON", signed)
		}
		// The form of the convention.
		body, tail, ok := strings.Cut(string(signed), `"sig":"ed25519:`)
		if !ok || len(tail) != sigB64Len+2 || !strings.HasSuffix(tail, `"}`) {
			t.Fatalf("signed %s: no canonical final sig member", signed)
		}
		sig, err := base64.StdEncoding.DecodeString(tail[:sigB64Len])
		if err != nil || !ed25519.Verify(pubOf(key), []byte(p), sig) {
			t.Errorf("signed %s: signature is not over the payload bytes (%v)", signed, err)
		}
		wantBody := p[:len(p)-1] + ","
		if strings.TrimSpace(p[1:len(p)-1]) == "" {
			wantBody = p[:len(p)-1] // empty object: no comma
		}
		if body != wantBody {
			t.Errorf("signed %s: before sig %q, want %q", signed, body, wantBody)
		}
		got, _, err := split(signed)
		if err != nil || string(got) != p {
			t.Errorf("split(%s) = %s, %v; want %s", signed, got, err, p)
		}
	}
	// The empty object.
	signed, _ := Sign(key, []byte(`{}`))
	if !bytes.HasPrefix(signed, []byte(`{"sig":"ed25519:`)) {
		t.Errorf("Sign({}) = %s", signed)
	}
}

func TestSignDoesNotModifyPayload(t *testing.T) {
	key := testKey(t)
	buf := make([]byte, 0, 512)
	buf = append(buf, `{"a":1}`...)
	spare := buf[:cap(buf)]
	for i := len(buf); i < len(spare); i++ {
		spare[i] = 'x'
	}
	before := append([]byte(nil), spare...)
	if _, err := Sign(key, buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(spare, before) {
		t.Error("Sign wrote into the payload's backing array")
	}
}

func TestSignRejects(t *testing.T) {
	key := testKey(t)
	for _, p := range []string{
		``, `{`, `}`, `[]`, `"x"`, `1`, `null`,
		` {}`, `{} `, "{}\n", `{"a":}`, `{"a":1}{}`, `{"a":1,}`,
		`{"sig":"x"}`, `{"a":1,"sig":"ed25519:x"}`, `{"\u0073ig":1}`,
	} {
		if out, err := Sign(key, []byte(p)); err == nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("Sign(%q) = %s, %v; want ErrMalformed", p, out, err)
		}
	}
	if _, err := Sign(key[:32], []byte(`{}`)); err == nil {
		t.Error("Sign with a 32-byte key: no error")
	}
	if _, err := Sign(nil, []byte(`{}`)); err == nil {
		t.Error("Sign with a nil key: no error")
	}
}

func TestTamperEveryByte(t *testing.T) {
	key := testKey(t)
	payload := []byte(`{"id":"a1","rev":2,"lat":43.5}`)
	signed, err := Sign(key, payload)
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	mod := make([]byte, len(signed))
	masks := make([]byte, 0, 255)
	for x := 1; x < 256; x++ {
		masks = append(masks, byte(x))
	}
	if testing.Short() {
		masks = []byte{0x01, 0x02, 0x20, 0x40, 0x80, 0xff}
	}
	for i := range signed {
		for _, x := range masks {
			copy(mod, signed)
			mod[i] ^= x
			err := Verify(pubOf(key), mod)
			if err == nil {
				// Only acceptable if the signed payload is unchanged.
				got, _, _ := split(mod)
				if !bytes.Equal(got, payload) {
					t.Fatalf("byte %d ^ %#x: tampered %q verifies", i, x, mod)
				}
				accepted++
				continue
			}
			if !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrNoSignature) {
				t.Fatalf("byte %d ^ %#x: unexpected error kind %v", i, x, err)
			}
		}
	}
	if accepted != 0 {
		t.Errorf("%d single-byte changes still verify (payload unchanged)", accepted)
	}
	// Payload changes specifically are bad signatures, not malformed.
	mod = bytes.Replace(signed, []byte(`"rev":2`), []byte(`"rev":3`), 1)
	if err := Verify(pubOf(key), mod); !errors.Is(err, ErrBadSignature) {
		t.Errorf("changed rev: %v, want ErrBadSignature", err)
	}
}

func TestVerifyWrongKey(t *testing.T) {
	signed, err := Sign(testKey(t), []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	if err := Verify(pubOf(other), signed); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other key: %v, want ErrBadSignature", err)
	}
	for _, pub := range []ed25519.PublicKey{nil, pubOf(other)[:31], append(pubOf(other), 0)} {
		if err := Verify(pub, signed); err == nil {
			t.Errorf("%d-byte public key: no error", len(pub))
		}
	}
}

func TestVerifyErrors(t *testing.T) {
	key := testKey(t)
	pub := pubOf(key)
	signed, err := Sign(key, []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	s := string(signed)
	sigMem := s[strings.Index(s, `"sig"`) : len(s)-1] // "sig":"ed25519:…"
	b64 := sigMem[len(`"sig":"ed25519:`) : len(sigMem)-1]
	// A non-canonical encoding of the same signature: the last base64
	// character before "==" carries 4 unused bits.
	last := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", b64[85])
	nonCanon := b64[:85] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[last^1]) + "=="

	tests := []struct {
		name string
		doc  string
		want error
	}{
		{"no sig", `{"a":1}`, ErrNoSignature},
		{"empty object", `{}`, ErrNoSignature},
		{"nested sig only", `{"a":{"sig":"ed25519:x"}}`, ErrNoSignature},
		{"not JSON", `hello`, ErrMalformed},
		{"empty", ``, ErrMalformed},
		{"array", `[1,2]`, ErrMalformed},
		{"sig not last", `{` + sigMem + `,"a":1}`, ErrMalformed},
		{"space after comma", `{"a":1, ` + sigMem + `}`, ErrMalformed},
		{"space around colon", strings.Replace(s, `"sig":`, `"sig" : `, 1), ErrMalformed},
		{"trailing newline", s + "\n", ErrMalformed},
		{"leading space", " " + s, ErrMalformed},
		{"other scheme", strings.Replace(s, "ed25519:", "ed448:", 1), ErrMalformed},
		{"sig not a string", `{"a":1,"sig":1}`, ErrMalformed},
		{"truncated signature", strings.Replace(s, b64, b64[:84], 1), ErrMalformed},
		{"unpadded signature", strings.Replace(s, b64, b64[:86]+"AA", 1), ErrMalformed},
		{"non-canonical base64", strings.Replace(s, b64, nonCanon, 1), ErrMalformed},
		{"duplicate sig", `{"sig":"x",` + sigMem + `}`, ErrMalformed},
		{"comma after brace", `{,` + sigMem + `}`, ErrMalformed},
		{"no comma", `{"a":1` + sigMem + `}`, ErrMalformed},
		{"trailing garbage inside", `{"a":1,}` + sigMem + `}`, ErrMalformed},
		{"sig member alone but payload lost", `{"a":1 ` + sigMem + `}`, ErrMalformed},
		{"moved from another payload", `{"a":2,` + sigMem + `}`, ErrBadSignature},
		{"empty object, another payload's sig", `{` + sigMem + `}`, ErrBadSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(pub, []byte(tc.doc))
			if !errors.Is(err, tc.want) {
				t.Errorf("Verify(%s) = %v, want %v", tc.doc, err, tc.want)
			}
		})
	}
	if strings.Replace(s, b64, nonCanon, 1) == s {
		t.Fatal("test bug: non-canonical encoding equals the canonical one")
	}
}

func TestKeyID(t *testing.T) {
	a := KeyID(pubOf(testKey(t)))
	b := KeyID(pubOf(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))))
	if len(a) != 16 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("KeyID = %q, want 16 lower-case hex digits", a)
	}
	if a == b {
		t.Error("two keys, one KeyID")
	}
	if KeyID(pubOf(testKey(t))) != a {
		t.Error("KeyID not deterministic")
	}
	// SHA-256("d75a98…511a" as bytes) starts 21fe31dfa154a261 (RFC 8032 test 1).
	if a != "21fe31dfa154a261" {
		t.Errorf("KeyID = %s, want 21fe31dfa154a261", a)
	}
}

func FuzzVerify(f *testing.F) {
	key := testKey(f)
	pub := pubOf(key)
	for _, p := range []string{`{}`, `{"a":1}`, `{ "x" : [1, {"sig":2}] }`} {
		signed, err := Sign(key, []byte(p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(signed)
	}
	f.Add([]byte(`{"sig":"ed25519:`))
	f.Add([]byte(`{,"sig":"ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}`))
	f.Add([]byte(`{"sig":1}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := Verify(pub, doc)
		if err == nil {
			// Ed25519 signing is deterministic and the form canonical: a
			// document that verifies is exactly what Sign makes of its payload.
			payload, _, serr := split(doc)
			if serr != nil {
				t.Fatalf("verifies but split fails: %v", serr)
			}
			again, serr := Sign(key, payload)
			if serr != nil || !bytes.Equal(again, doc) {
				t.Fatalf("%q verifies but re-signing its payload gives %q, %v", doc, again, serr)
			}
			return
		}
		if !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrNoSignature) {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}

func FuzzSignVerify(f *testing.F) {
	key := testKey(f)
	for _, p := range []string{`{}`, `{ }`, `{"a":1}`, `{"sig":1}`, `[]`, `{"a":{"sig":1}}`} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		signed, err := Sign(key, payload)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Sign error kind: %v", err)
			}
			return
		}
		if err := Verify(pubOf(key), signed); err != nil {
			t.Fatalf("Sign(%q) = %q does not verify: %v", payload, signed, err)
		}
		got, _, err := split(signed)
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("split gives %q, %v; want %q", got, err, payload)
		}
	})
}
