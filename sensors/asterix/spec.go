package asterix

// This file holds the record structure of each supported category: for every
// FRN of the User Application Profile (UAP), how to find the length of the
// item. Values are read only for the items the decoder maps (see map.go);
// every other item is only measured, so that the record parses exactly.
//
// The layouts were transcribed from the asterix-specs definitions
// (github.com/zoranbosnjak/asterix-specs, BSD-3-Clause): CAT048 1.30–1.32,
// CAT062 1.18–1.21, CAT021 2.6–2.7, CAT034 1.29. Within each range the UAP and
// every item length rule are the same; the editions differ only in extra
// extents of FX-extended items, which the FX bits measure. CAT065 1.x is not
// among those definitions; its seven items are one to three fixed octets
// (EUROCONTROL CAT065 part 15; checked against the reference decoder's output
// for the one CAT065 record of the staged captures).

// kind is how an item (or a compound subfield) says its own length.
type kind uint8

const (
	kNone       kind = iota // no item at this FRN / subfield slot (spare)
	kFixed                  // n octets
	kExtended               // a first part of n octets, then parts of m octets, while the last octet of a part has FX (bit 1) set
	kRepetitive             // one octet REP, then REP times n octets
	kRepFX                  // groups of n octets while the last octet of a group has FX set ("repetitive fx")
	kExplicit               // one octet LEN counting itself, then LEN-1 octets (RE, SP)
	kCompound               // a primary subfield (FX-extended presence bits), then the present subfields in order
)

// item is the length rule of one data item or compound subfield.
type item struct {
	name string // "I048/040"; subfields are named by their parent
	kind kind
	n, m int
	subs []item // kCompound: subfield slots in presence-bit order (kNone = unused bit)
}

// uap is the ordered item list of a category: uap.items[frn-1].
type uap struct {
	cat   uint8
	label string // "CAT048"
	items []item
}

// Constructors of item rules, named after the asterix-specs variations.
func fixed(name string, n int) item { return item{name: name, kind: kFixed, n: n} }
func ext(name string) item          { return item{name: name, kind: kExtended, n: 1, m: 1} }
func rep(name string, n int) item   { return item{name: name, kind: kRepetitive, n: n} }
func repFX(name string, n int) item { return item{name: name, kind: kRepFX, n: n} }
func explicit(name string) item     { return item{name: name, kind: kExplicit} }
func spare() item                   { return item{} }
func compound(name string, subs ...item) item {
	return item{name: name, kind: kCompound, subs: subs}
}

// f1s returns count one-octet subfields.
func f1s(count int) []item {
	s := make([]item, count)
	for i := range s {
		s[i] = item{kind: kFixed, n: 1}
	}
	return s
}

// sf returns a fixed subfield of n octets.
func sf(n int) item { return item{kind: kFixed, n: n} }

// FRNs of the items the mappers read (1-based, as in the UAP tables).
const (
	frn048SrcID   = 1  // I048/010
	frn048ToD     = 2  // I048/140
	frn048Pos     = 4  // I048/040
	frn048Mode3A  = 5  // I048/070
	frn048FL      = 6  // I048/090
	frn048Addr    = 8  // I048/220
	frn048Ident   = 9  // I048/240
	frn048TrackNb = 11 // I048/161
	frn048Vel     = 13 // I048/200

	frn062SrcID   = 1  // I062/010
	frn062ToT     = 4  // I062/070
	frn062Pos     = 5  // I062/105
	frn062Vel     = 7  // I062/185
	frn062Mode3A  = 9  // I062/060
	frn062TgtID   = 10 // I062/245
	frn062ADD     = 11 // I062/380
	frn062TrackNb = 12 // I062/040
	frn062MFL     = 17 // I062/136

	frn021SrcID   = 1  // I021/010
	frn021TrackNb = 3  // I021/161
	frn021ToAPos  = 5  // I021/071
	frn021Pos     = 6  // I021/130
	frn021PosHR   = 7  // I021/131
	frn021ToAVel  = 8  // I021/072
	frn021Addr    = 11 // I021/080
	frn021ToMRPos = 12 // I021/073
	frn021ToMRVel = 14 // I021/075
	frn021Mode3A  = 19 // I021/070
	frn021FL      = 21 // I021/145
	frn021Status  = 23 // I021/200
	frn021GndVec  = 26 // I021/160
	frn021ToRT    = 28 // I021/077
	frn021Ident   = 29 // I021/170

	frn034SrcID = 1  // I034/010
	frn034Type  = 2  // I034/000
	frn034ToD   = 3  // I034/030
	frn034Pos   = 11 // I034/120

	frn065SrcID = 1 // I065/010
	frn065Type  = 2 // I065/000
	frn065ToD   = 4 // I065/030

	// Subfields of I062/380 (0-based slots).
	sub380ADR = 0
	sub380ID  = 1

	// CAT062 0.17 (uap062v017).
	frn062v017SrcID   = 1  // I062/010
	frn062v017ToT     = 3  // I062/070
	frn062v017TrackNb = 4  // I062/040
	frn062v017Pos     = 5  // I062/105, 24-bit
	frn062v017Mode3A  = 7  // I062/060
	frn062v017MFL     = 10 // I062/136
	frn062v017Vel     = 11 // I062/180, polar
	frn062v017ADD     = 19 // I062/380

	// Subfields of I062/380 in 0.17 (0-based slots).
	sub380v017ADR = 1
	sub380v017ID  = 2
)

// maxFRN bounds the FRN of every UAP here (CAT021 has 49).
const maxFRN = 56

var uap048 = uap{cat: 48, label: "CAT048", items: []item{
	fixed("I048/010", 2),
	fixed("I048/140", 3),
	ext("I048/020"),
	fixed("I048/040", 4),
	fixed("I048/070", 2),
	fixed("I048/090", 2),
	compound("I048/130", f1s(7)...), // SRL SRR SAM PRL PAM RPD APD
	fixed("I048/220", 3),
	fixed("I048/240", 6),
	rep("I048/250", 8),
	fixed("I048/161", 2),
	fixed("I048/042", 4),
	fixed("I048/200", 4),
	ext("I048/170"),
	fixed("I048/210", 4),
	repFX("I048/030", 1),
	fixed("I048/080", 2),
	fixed("I048/100", 4),
	fixed("I048/110", 2),
	compound("I048/120", sf(2), item{kind: kRepetitive, n: 6}), // CAL, RDS
	fixed("I048/230", 2),
	fixed("I048/260", 7),
	fixed("I048/055", 1),
	fixed("I048/050", 2),
	fixed("I048/065", 1),
	fixed("I048/060", 2),
	explicit("I048/SP"),
	explicit("I048/RE"),
}}

var uap062 = uap{cat: 62, label: "CAT062", items: []item{
	fixed("I062/010", 2),
	spare(),
	fixed("I062/015", 1),
	fixed("I062/070", 3),
	fixed("I062/105", 8),
	fixed("I062/100", 6),
	fixed("I062/185", 4),
	fixed("I062/210", 2),
	fixed("I062/060", 2),
	fixed("I062/245", 7),
	compound("I062/380",
		sf(3), sf(6), sf(2), sf(2), sf(2), sf(2), sf(2), // ADR ID MHG IAS TAS SAL FSS
		item{kind: kExtended, n: 1, m: 1}, item{kind: kRepetitive, n: 15}, sf(2), sf(2), sf(7), sf(2), sf(2), // TIS TID COM SAB ACS BVR GVR
		sf(2), sf(2), sf(2), sf(2), sf(1), sf(8), sf(1), // RAN TAR TAN GS VUN MET EMC
		sf(6), sf(2), sf(1), item{kind: kRepetitive, n: 8}, sf(2), sf(2), sf(2), // POS GAL PUN MB IAR MAC BPS
	),
	fixed("I062/040", 2),
	ext("I062/080"),
	compound("I062/290", sf(1), sf(1), sf(1), sf(1), sf(2), sf(1), sf(1), sf(1), sf(1), sf(1)), // TRK PSR SSR MDS ADS ES VDL UAT LOP MLT
	fixed("I062/200", 1),
	compound("I062/295", f1s(31)...),
	fixed("I062/136", 2),
	fixed("I062/130", 2),
	fixed("I062/135", 2),
	fixed("I062/220", 2),
	compound("I062/390",
		sf(2), sf(7), sf(4), sf(1), sf(4), sf(1), sf(4), // TAG CS IFI FCT TAC WTC DEP
		sf(4), sf(3), sf(2), sf(2), item{kind: kRepetitive, n: 4}, sf(6), sf(1), // DST RDS CFL CTL TOD AST STS
		sf(7), sf(7), sf(2), sf(7), // STD STA PEM PEC
	),
	ext("I062/270"),
	fixed("I062/300", 1),
	compound("I062/110", sf(1), sf(4), sf(6), sf(2), sf(2), sf(1), sf(1)), // SUM PMN POS GA EM1 TOS XP
	fixed("I062/120", 2),
	repFX("I062/510", 3),
	compound("I062/500", sf(4), sf(2), sf(4), sf(1), sf(1), sf(2), sf(2), sf(1)), // APC COV APW AGA ABA ATV AA ARC
	compound("I062/340", sf(2), sf(4), sf(2), sf(2), sf(2), sf(1)),               // SID POS HEIGHT MDC MDA TYP
	spare(), spare(), spare(), spare(), spare(),
	explicit("I062/RE"),
	explicit("I062/SP"),
}}

// uap062v017 is CAT062 edition 0.17, a pre-1.0 draft still sent by some
// SDPS (the staged asterix.pcap, 2008). It was transcribed from
// CroatiaControlLtd/asterix install/config/asterix_cat062_0_17.xml (GPL; the
// same at commits dde33025870df3aa20b53b7e107afd74610ab94c and
// 015aaba01c09b8922ac4a19f9b90f26bf7d24e2e); the asterix-specs definitions
// start at 1.x and no other public definition of 0.17 was found. The layout
// was confirmed on asterix.pcap: its 100 records (all with FSPEC bb 3d 42)
// end exactly at their block ends, times match the capture times, and the
// positions follow the velocities (see TestCAT062v017Capture). Differences from 1.x that matter
// here: another UAP order (I062/015 at FRN 2, I062/070 at 3, I062/040 at 4),
// I062/105 in two 24-bit coordinates (180/2^23 °), I062/100 in four octets,
// the velocity polar (I062/180: ground speed 2^-14 NM/s, heading 360/2^16 °,
// as I048/200) instead of I062/185, I062/040 of 15 bits, I062/060 without the
// V, G and CH bits, and I062/380 with the subfields MB ADR ID COM ACS only.
//
// FRN 20 is listed as "50, len 1+1" in that file, but no item I062/050 is
// defined there (I062/500, defined but placed nowhere, may be meant): it is
// left undefined, so a record setting it is rejected as malformed rather
// than measured by a guess. In the XML the MB subfield of I062/380 is
// written as fixed 9 octets whose first is REP; it is measured here as the
// repetitive 8-octet field that REP announces (the same for REP = 1).
var uap062v017 = uap{cat: 62, label: "CAT062 0.17", items: []item{
	fixed("I062/010", 2),
	fixed("I062/015", 1),
	fixed("I062/070", 3),
	fixed("I062/040", 2),
	fixed("I062/105", 6),
	fixed("I062/100", 4),
	fixed("I062/060", 2),
	fixed("I062/130", 2),
	fixed("I062/135", 2),
	fixed("I062/136", 2),
	fixed("I062/180", 4),
	fixed("I062/200", 1),
	fixed("I062/220", 2),
	fixed("I062/240", 1),
	fixed("I062/210", 2),
	ext("I062/080"),
	compound("I062/290", sf(1), sf(1), sf(1), sf(1), sf(1), sf(2), sf(1), sf(1), sf(1)), // PSR SSR MDA MFL MDS ADS ADB MD1 MD2
	compound("I062/340", sf(2), sf(4), sf(2), sf(2), sf(2), sf(1)),                      // SID POS HEI MDC MDA TYP
	compound("I062/380", item{kind: kRepetitive, n: 8}, sf(3), sf(6), sf(2), sf(7)),     // MB ADR ID COM ACS
	spare(), // "50": see above
	compound("I062/390",
		sf(2), sf(7), sf(4), sf(1), sf(4), sf(1), sf(4), // TAG CSN IFI FCT TAC WTC DEP
		sf(4), sf(3), sf(2), sf(2), item{kind: kRepetitive, n: 4}, sf(6), sf(1), // DST RDS CFL CTL TOD AST STS
	),
	fixed("I062/110", 1),
	fixed("I062/120", 2),
	repFX("I062/510", 3),
	spare(), spare(),
	explicit("I062/RE"),
	explicit("I062/SP"),
}}

var uap021 = uap{cat: 21, label: "CAT021", items: []item{
	fixed("I021/010", 2),
	ext("I021/040"),
	fixed("I021/161", 2),
	fixed("I021/015", 1),
	fixed("I021/071", 3),
	fixed("I021/130", 6),
	fixed("I021/131", 8),
	fixed("I021/072", 3),
	fixed("I021/150", 2),
	fixed("I021/151", 2),
	fixed("I021/080", 3),
	fixed("I021/073", 3),
	fixed("I021/074", 4),
	fixed("I021/075", 3),
	fixed("I021/076", 4),
	fixed("I021/140", 2),
	ext("I021/090"),
	fixed("I021/210", 1),
	fixed("I021/070", 2),
	fixed("I021/230", 2),
	fixed("I021/145", 2),
	fixed("I021/152", 2),
	fixed("I021/200", 1),
	fixed("I021/155", 2),
	fixed("I021/157", 2),
	fixed("I021/160", 4),
	fixed("I021/165", 2),
	fixed("I021/077", 3),
	fixed("I021/170", 6),
	fixed("I021/020", 1),
	compound("I021/220", sf(2), sf(2), sf(2), sf(1)), // WS WD TMP TRB
	fixed("I021/146", 2),
	fixed("I021/148", 2),
	compound("I021/110", item{kind: kExtended, n: 1, m: 1}, item{kind: kRepetitive, n: 15}), // TIS TID
	fixed("I021/016", 1),
	fixed("I021/008", 1),
	ext("I021/271"),
	fixed("I021/132", 1),
	rep("I021/250", 8),
	fixed("I021/260", 7),
	fixed("I021/400", 1),
	compound("I021/295", f1s(23)...),
	spare(), spare(), spare(), spare(), spare(),
	explicit("I021/RE"),
	explicit("I021/SP"),
}}

var uap034 = uap{cat: 34, label: "CAT034", items: []item{
	fixed("I034/010", 2),
	fixed("I034/000", 1),
	fixed("I034/030", 3),
	fixed("I034/020", 1),
	fixed("I034/041", 2),
	compound("I034/050", sf(1), spare(), spare(), sf(1), sf(1), sf(2)), // COM - - PSR SSR MDS
	compound("I034/060", sf(1), spare(), spare(), sf(1), sf(1), sf(1)), // COM - - PSR SSR MDS
	rep("I034/070", 2),
	fixed("I034/100", 8),
	fixed("I034/110", 1),
	fixed("I034/120", 8),
	fixed("I034/090", 2),
	explicit("I034/RE"),
	explicit("I034/SP"),
}}

var uap065 = uap{cat: 65, label: "CAT065", items: []item{
	fixed("I065/010", 2),
	fixed("I065/000", 1),
	fixed("I065/015", 1),
	fixed("I065/030", 3),
	fixed("I065/020", 1),
	fixed("I065/040", 1),
	fixed("I065/050", 1),
	spare(), spare(), spare(), spare(), spare(),
	explicit("I065/RE"),
	explicit("I065/SP"),
}}

// uaps maps a category to its UAP; nil for the categories not decoded.
var uaps = func() (t [256]*uap) {
	for _, u := range []*uap{&uap048, &uap062, &uap021, &uap034, &uap065} {
		t[u.cat] = u
	}
	return t
}()
