// Package nmea decodes the NMEA 0183 feeds a gateway forwards: AIS from a
// receiver or a network of them, and marine radar ARPA targets. A Decoder
// implements sensors.Decoder for one sensor.
//
// # Payloads
//
// One MQTT payload holds one or more lines separated by CR, LF or CR LF;
// each line is decoded on its own, and a payload may give reports and errors
// both. A line is an optional run of NMEA 4.0 tag blocks, one sentence
// ("$" or "!" … "*hh") and, after the checksum, optional receiver metadata
// (",field,field…"). Lines longer than MaxLineLen (1024 bytes) are
// rejected as malformed; payloads longer than Options.MaxBytes are rejected
// whole (too_large) before any parsing.
//
// A payload whose first non-blank character is "{" is AIS-catcher JSON (its
// MQTT/UDP/HTTP output with MSGFORMAT JSON_NMEA or JSON_FULL): one or more
// objects, each with an "nmea" array of sentences and the receive time in
// "rxuxtime" (unix seconds, fractional) or "rxtime" ("YYYYMMDDhhmmss",
// UTC), or a batch {"msgs": [objects]}. Each sentence is decoded as a line;
// the decoded fields of JSON_FULL are ignored.
//
// # What is decoded
//
// AIS: !--VDM and !--VDO of any talker (AI, AB, BS, SS, "--", …), with
// go-nmea for the sentence and go-ais for the message:
//
//   - Types 1, 2, 3 (class A), 18, 19 (class B), 27 (long range) and 9 (SAR
//     aircraft, Class air, altitude when given): a KindObservation report
//     with one geodetic detection. SigmaM comes from the position accuracy
//     flag: 10 m when set (better than 10 m, DGNSS), 30 m when not (plain
//     GNSS); 55/60 m for type 27, whose positions are rounded to 1/10
//     minute. Speed (m/s) and course (degrees true) only when both are
//     available (SOG 102.3 / 63 / 1023 kn and COG 360 / 511 mean "not
//     available"). The identity carries the MMSI, the class (A for 1–3, B for
//     18 and 19; type 27 keeps what the cache knows) and the cached static
//     data. Emergency is set for AIS-SART, MOB and EPIRB-AIS MMSIs (970,
//     972, 974xxxxxx) and navigational status 14 (SART active).
//   - Types 5 (class A) and 24 parts A and B (class B): a KindStatic report,
//     whose one detection holds only the identity (name and call sign
//     trimmed of "@" padding and spaces, IMO, ship type, length A+B and
//     beam C+D in metres; the dimensions of an auxiliary craft, MMSI
//     98xxxxxxx, are its mother ship's MMSI and are ignored). The identity is
//     merged into a cache by MMSI, bounded by Options.StaticCacheSize
//     (default 100,000; two generations, approximately least recently used),
//     so that later position reports carry it. Type 19 also feeds the cache.
//   - Type 21 (aid to navigation): a KindAidToNavigation report, kept apart
//     from vessels: its position, the name (with its extension) and size.
//   - Type 4 (base station): a KindBaseStation report whose time is the UTC
//     in the message (TimeFromPayload) when it is a valid date, else the
//     sentence's time; its one detection is the station's position, absent
//     when the position is not available (no error: the report still serves
//     as a time reference).
//
// Multi-sentence messages are reassembled across Decode calls (that is,
// across MQTT messages), keyed by the tag block group (g:) when present,
// else by channel, sequential message id, part count and VDM/VDO, within
// the tag block source (s:) when given. Parts may come in any order. A
// message whose parts do not all arrive within Options.ReassemblyTimeout
// (default 10 s, measured on the received times), whose id is reused before
// it completes, or that is pushed out by Options.MaxPending newer ones is
// reported as incomplete. A merged feed without tag blocks (several
// receivers, one stream) can reuse ids within the timeout; parts of
// different messages may then be joined, which usually shows as a message
// too short for its type (malformed).
//
// Radar: $--TTM (tracked target message) gives a KindObservation report with
// one polar detection: Range in metres from the distance and its unit (K
// km, N nautical miles, S statute miles), Bearing in degrees, TrackNumber the
// target number, and speed/course when both are given (same unit per
// hour). Relative bearings (R) are taken as true: a shore radar's picture
// is north-up, its heading 0; a shipborne radar sending relative bearings
// would need its heading, which this decoder does not have. The target name
// is not used as an identity (it is an operator's label). $--TLL gives a
// geodetic detection with the target number. Targets with status L (lost)
// give nothing (counted in Stats.Lost). Old 13-field TTM sentences without
// the UTC field are accepted.
//
// # Time
//
// The time of a report, in order of precedence:
//
//  1. a time inside the message: the UTC of AIS type 4; the UTC field of
//     TTM/TLL (hhmmss.ss), completed to the date nearest the time below;
//  2. the NMEA 4.0 tag block's c: field (unix seconds, or milliseconds when
//     the value is too large for seconds);
//  3. USCG NAIS receiver metadata after the checksum — the first field of
//     ten digits is the unix time of reception
//     (",d-109,S2105,t050056.00,T56.137,r003669946,1325394060");
//  4. a preceding $PGHP sentence (Gatehouse/DMA AisLib:
//     "$PGHP,1,yyyy,mm,dd,hh,mm,ss,ms,country,region,station,1,cc"), which
//     stamps the next message, provided it was received within the
//     reassembly timeout and cc, the XOR of the checksums of the message's
//     sentences, matches (00 means "not given");
//  5. the AIS-catcher envelope's rxuxtime or rxtime;
//  6. the received time (TimeFromPayload false).
//
// A multi-sentence message takes the first of its parts' times that came
// from the payload, else the time of the part that completed it.
//
// # What is skipped, and why
//
// Every problem is an *sensors.Error whose Reason labels the drop counters
// and whose Field names the line ("line 3", "line 1: msgs[0].nmea[1]"):
//
//   - checksum: a sentence or tag block whose checksum does not match
//     ("checksum 0x5C, computed 0x5D");
//   - malformed: no checksum, a line not starting with "$" or "!", text
//     after the checksum that is not ",metadata", fill bits beyond 5, bad
//     payload characters, fragment numbers out of range, an AIS message too
//     short for its type (up to 6 missing bits, the effect of a wrong fill
//     bit count, are taken as zeros, as gpsd does), invalid JSON;
//   - unsupported: other sentences (GPS, instruments, other proprietary
//     ones) and AIS message types other than those above (6, 7, 8, 10–17,
//     20, 22, 23, 25, 26): well formed, not used;
//   - bad_position: an AIS position "not available" (longitude 181 or
//     latitude 91), or out of range; a TLL position out of range;
//   - bad_value: an AIS MMSI of 0 or above 999999999; a TTM distance,
//     bearing, speed or course out of range;
//   - bad_time: a tag block c:, $PGHP, rxuxtime/rxtime or TTM/TLL UTC that
//     is not a time;
//   - incomplete: a multi-sentence message that did not complete (above);
//   - too_large: the payload is longer than Options.MaxBytes.
//
// Decode never panics: every field is checked before use. go-ais checks
// message lengths itself, and only the types above are handed to it; its
// parsers of binary payloads compute a remaining length in unsigned
// arithmetic, so the call is also wrapped in a recover that would count a
// panic as a malformed message (none was seen: random bits of every type
// at 0–1100 bits, and the fuzzer).
package nmea
