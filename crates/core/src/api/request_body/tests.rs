use super::*;

fn assert_malformed<T: std::fmt::Debug>(result: Result<T, ProxyError>, case: &str) {
    match result {
        Err(ProxyError::MalformedXml(message)) => {
            assert!(!message.is_empty(), "{case}: empty message");
            assert!(message.len() < 200, "{case}: message too long: {message}");
        }
        other => panic!("{case}: expected MalformedXML, got {other:?}"),
    }
}

fn assert_invalid_argument<T: std::fmt::Debug>(result: Result<T, ProxyError>, case: &str) {
    match result {
        Err(ProxyError::InvalidArgument(message)) => assert!(!message.is_empty(), "{case}"),
        other => panic!("{case}: expected InvalidArgument, got {other:?}"),
    }
}

fn delete_body(objects: usize) -> String {
    let mut body = String::from("<Delete>");
    for i in 0..objects {
        body.push_str(&format!("<Object><Key>k{i}</Key></Object>"));
    }
    body.push_str("</Delete>");
    body
}

// ---- CompleteMultipartUpload ----

#[test]
fn complete_multipart_upload_reads_parts_and_checksums() {
    let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Part>
    <PartNumber> 1 </PartNumber>
    <ETag>"a54357aff0632cce46d942af68356b38"</ETag>
    <ChecksumCRC32>AAAAAA==</ChecksumCRC32>
    <ChecksumCRC32C>BBBBBB==</ChecksumCRC32C>
    <ChecksumCRC64NVME>CCCCCCCCCCC=</ChecksumCRC64NVME>
    <ChecksumSHA1>DDDD</ChecksumSHA1>
    <ChecksumSHA256>EEEE</ChecksumSHA256>
  </Part>
  <Part><ETag>&quot;0c78aef83f66abc1fa1e8477f296d394&quot;</ETag><PartNumber>2</PartNumber></Part>
</CompleteMultipartUpload>"#;
    let parts = parse_complete_multipart_upload(body).unwrap();
    assert_eq!(
        parts,
        vec![
            CompletedPart {
                part_number: 1,
                etag: "\"a54357aff0632cce46d942af68356b38\"".into(),
                checksums: Checksums {
                    crc32: Some("AAAAAA==".into()),
                    crc32c: Some("BBBBBB==".into()),
                    crc64nvme: Some("CCCCCCCCCCC=".into()),
                    sha1: Some("DDDD".into()),
                    sha256: Some("EEEE".into()),
                },
            },
            CompletedPart {
                part_number: 2,
                etag: "\"0c78aef83f66abc1fa1e8477f296d394\"".into(),
                checksums: Checksums::default(),
            },
        ]
    );
}

#[test]
fn complete_multipart_upload_ignores_unknown_elements_and_prefixes() {
    let body = br#"<s3:CompleteMultipartUpload xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
  <Extra><Deep><Deeper>x</Deeper></Deep></Extra>
  <s3:Part><s3:PartNumber>3</s3:PartNumber><s3:ETag>e</s3:ETag><Size>5</Size></s3:Part>
</s3:CompleteMultipartUpload>"#;
    let parts = parse_complete_multipart_upload(body).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!((parts[0].part_number, parts[0].etag.as_str()), (3, "e"));
}

#[test]
fn complete_multipart_upload_rejects_bad_parts() {
    let cases = [
        (
            "<CompleteMultipartUpload></CompleteMultipartUpload>",
            "no parts",
        ),
        ("<CompleteMultipartUpload/>", "empty root"),
        (
            "<CompleteMultipartUpload><Part><ETag>e</ETag></Part></CompleteMultipartUpload>",
            "no number",
        ),
        (
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
            "no etag",
        ),
        (
            "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
            "not a number",
        ),
        (
            "<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
            "negative",
        ),
        (
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
            "two numbers",
        ),
        (
            "<CompleteMultipartUpload><Part><PartNumber><b>1</b></PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
            "element in text",
        ),
        (
            "<CompleteMultipartUpload>text<Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
            "stray text",
        ),
    ];
    for (body, case) in cases {
        assert_malformed(parse_complete_multipart_upload(body.as_bytes()), case);
    }
}

#[test]
fn part_numbers_out_of_range_are_invalid_arguments() {
    for number in ["0", "10001", "65536", "99999999999"] {
        let body = format!(
            "<CompleteMultipartUpload><Part><PartNumber>{number}</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>"
        );
        assert_invalid_argument(parse_complete_multipart_upload(body.as_bytes()), number);
    }
}

#[test]
fn ten_thousand_parts_with_checksums_fit_the_size_cap() {
    let mut body = String::from("<CompleteMultipartUpload>");
    for n in 1..=10_000 {
        body.push_str(&format!(
            "\n  <Part>\n    <PartNumber>{n}</PartNumber>\n    <ETag>&quot;{n:032x}&quot;</ETag>\n    \
             <ChecksumCRC32>AAAAAA==</ChecksumCRC32>\n    <ChecksumCRC32C>AAAAAA==</ChecksumCRC32C>\n    \
             <ChecksumCRC64NVME>AAAAAAAAAAA=</ChecksumCRC64NVME>\n    \
             <ChecksumSHA1>{n:0>28}</ChecksumSHA1>\n    <ChecksumSHA256>{n:0>44}</ChecksumSHA256>\n  </Part>"
        ));
    }
    body.push_str("\n</CompleteMultipartUpload>");
    assert!(body.len() < MAX_XML_BODY_SIZE);
    let parts = parse_complete_multipart_upload(body.as_bytes()).unwrap();
    assert_eq!(parts.len(), 10_000);
    assert_eq!(parts[9_999].part_number, 10_000);
}

// ---- Delete ----

#[test]
fn delete_reads_quiet_keys_and_versions() {
    let body = br#"<?xml version="1.0" encoding="utf-8"?>
<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Quiet>true</Quiet>
  <Object><Key>sample1.txt</Key></Object>
  <Object><Key>dir/a b+c%20&amp;&lt;&gt;&#x20AC;&#233;.txt</Key><VersionId>v1</VersionId></Object>
  <Object><Key><![CDATA[raw <cdata> & key]]></Key><ETag>"x"</ETag></Object>
  <Object><Key> padded </Key></Object>
  <Object><Key>line&#13;&#10;break</Key></Object>
</Delete>"#;
    let request = parse_delete(body).unwrap();
    assert!(request.quiet);
    let keys: Vec<_> = request.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "sample1.txt",
            "dir/a b+c%20&<>€é.txt",
            "raw <cdata> & key",
            " padded ",
            "line\r\nbreak",
        ]
    );
    assert_eq!(request.objects[1].version_id.as_deref(), Some("v1"));
    assert_eq!(request.objects[0].version_id, None);
}

#[test]
fn delete_quiet_defaults_to_false() {
    let request = parse_delete(b"<Delete><Object><Key>k</Key></Object></Delete>").unwrap();
    assert!(!request.quiet);
    let request =
        parse_delete(b"<Delete><Quiet>False</Quiet><Object><Key>k</Key></Object></Delete>")
            .unwrap();
    assert!(!request.quiet);
}

#[test]
fn delete_keys_are_not_validated_here() {
    let request = parse_delete(
        b"<Delete><Object><Key>../..</Key></Object><Object><Key></Key></Object></Delete>",
    )
    .unwrap();
    assert_eq!(request.objects[0].key, "../..");
    assert_eq!(request.objects[1].key, "");
}

#[test]
fn delete_accepts_exactly_one_thousand_objects() {
    let request = parse_delete(delete_body(MAX_DELETE_OBJECTS).as_bytes()).unwrap();
    assert_eq!(request.objects.len(), MAX_DELETE_OBJECTS);
    assert_eq!(request.objects[999].key, "k999");
}

#[test]
fn delete_rejects_bad_bodies() {
    let too_many = delete_body(MAX_DELETE_OBJECTS + 1);
    let cases = [
        (too_many.as_str(), "1001 objects"),
        ("<Delete></Delete>", "no objects"),
        ("<Delete><Quiet>true</Quiet></Delete>", "only quiet"),
        (
            "<Delete><Object><VersionId>v</VersionId></Object></Delete>",
            "no key",
        ),
        (
            "<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",
            "two keys",
        ),
        (
            "<Delete><Quiet>yes</Quiet><Object><Key>a</Key></Object></Delete>",
            "bad quiet",
        ),
        (
            "<Delete><Object><Key>a<i/></Key></Object></Delete>",
            "element in key",
        ),
    ];
    for (body, case) in cases {
        assert_malformed(parse_delete(body.as_bytes()), case);
    }
}

#[test]
fn one_thousand_longest_keys_fit_the_size_cap() {
    // Every byte written as the longest reference for `&`.
    let key = "&#x26;".repeat(1024);
    let mut body = String::from("<Delete><Quiet>false</Quiet>");
    for _ in 0..MAX_DELETE_OBJECTS {
        body.push_str(&format!(
            "<Object><Key>{key}</Key><VersionId>{:0>32}</VersionId></Object>",
            1
        ));
    }
    body.push_str("</Delete>");
    assert!(body.len() < MAX_XML_BODY_SIZE);
    let request = parse_delete(body.as_bytes()).unwrap();
    assert_eq!(request.objects[999].key, "&".repeat(1024));
}

// ---- Tagging ----

#[test]
fn tagging_reads_tags() {
    let body = br#"<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>
        <Tag><Key>project</Key><Value>geo &amp; maps</Value></Tag>
        <Tag><Value></Value><Key>empty</Key></Tag>
        <Tag><Key>self-closing</Key><Value/></Tag>
    </TagSet></Tagging>"#;
    let tags = parse_tagging(body).unwrap();
    assert_eq!(
        tags,
        vec![
            Tag {
                key: "project".into(),
                value: "geo & maps".into()
            },
            Tag {
                key: "empty".into(),
                value: String::new()
            },
            Tag {
                key: "self-closing".into(),
                value: String::new()
            },
        ]
    );
    assert_eq!(
        parse_tagging(b"<Tagging><TagSet/></Tagging>").unwrap(),
        vec![]
    );
}

#[test]
fn tagging_limits_are_invalid_arguments() {
    let tag = |key: &str, value: &str| format!("<Tag><Key>{key}</Key><Value>{value}</Value></Tag>");
    let eleven: String = (0..11).map(|i| tag(&format!("k{i}"), "v")).collect();
    let ten: String = (0..10).map(|i| tag(&format!("k{i}"), "v")).collect();
    let long_key = "é".repeat(129);
    let long_value = "é".repeat(257);
    let cases = [
        (eleven, "11 tags"),
        (tag(&long_key, "v"), "key of 129 chars"),
        (tag("k", &long_value), "value of 257 chars"),
        (tag("", "v"), "empty key"),
        (
            format!("{}{}", tag("k", "1"), tag("k", "2")),
            "duplicate key",
        ),
    ];
    for (tags, case) in cases {
        let body = format!("<Tagging><TagSet>{tags}</TagSet></Tagging>");
        assert_invalid_argument(parse_tagging(body.as_bytes()), case);
    }
    let at_limits = format!("<Tagging><TagSet>{ten}</TagSet></Tagging>");
    assert_eq!(parse_tagging(at_limits.as_bytes()).unwrap().len(), 10);
    let longest = format!(
        "<Tagging><TagSet>{}</TagSet></Tagging>",
        tag(&"é".repeat(128), &"é".repeat(256))
    );
    assert!(parse_tagging(longest.as_bytes()).is_ok());
}

#[test]
fn tagging_rejects_bad_structure() {
    let cases = [
        ("<Tagging></Tagging>", "no tag set"),
        ("<Tagging><TagSet/><TagSet/></Tagging>", "two tag sets"),
        (
            "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>",
            "no value",
        ),
        (
            "<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
            "no key",
        ),
    ];
    for (body, case) in cases {
        assert_malformed(parse_tagging(body.as_bytes()), case);
    }
}

// ---- Hostile and broken input ----

#[test]
fn hostile_and_broken_bodies_are_malformed() {
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Delete><Object><Key>&lol3;</Key></Object></Delete>"#;
    let external_entity = r#"<?xml version="1.0"?>
<!DOCTYPE Delete [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Delete><Object><Key>&xxe;</Key></Object></Delete>"#;
    let doctype = r#"<!DOCTYPE Delete SYSTEM "http://example.com/delete.dtd"><Delete><Object><Key>k</Key></Object></Delete>"#;
    let deep = format!(
        "<Delete><Object><Key>k</Key></Object>{}{}</Delete>",
        "<x>".repeat(10_000),
        "</x>".repeat(10_000)
    );
    let deep_unclosed = format!("<Delete>{}", "<x>".repeat(100_000));
    let cases: Vec<(String, &str)> = vec![
        (billion_laughs.into(), "billion laughs"),
        (external_entity.into(), "external entity"),
        (doctype.into(), "doctype"),
        ("<Delete><Object><Key>&lol;</Key></Object></Delete>".into(), "undefined entity"),
        ("<Delete><Object><Key>&#0;</Key></Object></Delete>".into(), "nul char ref"),
        ("<Delete><Object><Key>&#x1;</Key></Object></Delete>".into(), "control char ref"),
        ("<Delete><Object><Key>&#xD800;</Key></Object></Delete>".into(), "surrogate char ref"),
        ("<Delete><Object><Key>&#x110000;</Key></Object></Delete>".into(), "char ref past unicode"),
        ("<Delete><Object><Key>a & b</Key></Object></Delete>".into(), "bare ampersand"),
        ("<Delete><Object><Key>\u{1}</Key></Object></Delete>".into(), "raw control char"),
        (deep, "deep nesting"),
        (deep_unclosed, "deep unclosed nesting"),
        ("<Delete><Object><Key>k</Key></Object>".into(), "truncated"),
        ("<Delete><Object><Key>k</Ke".into(), "truncated mid-tag"),
        ("<Delete><Object><Key>k</Object></Key></Delete>".into(), "mismatched end"),
        ("<Delete><Object><Key>k</Key></Object></Delete><Delete/>".into(), "two roots"),
        ("<Delete><Object><Key>k</Key></Object></Delete>trailing".into(), "trailing text"),
        ("<Tagging><TagSet/></Tagging>".into(), "wrong root"),
        ("".into(), "empty"),
        ("   \n ".into(), "whitespace only"),
        ("not xml at all".into(), "garbage"),
        ("<<<>>>".into(), "garbage markup"),
        ("\u{0}\u{0}\u{0}".into(), "nul bytes"),
        ("<Delete attr='unterminated><Object/></Delete>".into(), "broken attribute"),
        (r#"<?xml version="1.0" encoding="ISO-8859-1"?><Delete><Object><Key>k</Key></Object></Delete>"#.into(), "latin-1 declared"),
        ("<Delete><?xml version=\"1.0\"?><Object><Key>k</Key></Object></Delete>".into(), "late declaration"),
    ];
    for (body, case) in cases {
        assert_malformed(parse_delete(body.as_bytes()), case);
    }
}

#[test]
fn non_utf8_is_malformed() {
    assert_malformed(
        parse_delete(b"<Delete><Object><Key>\xff\xfe</Key></Object></Delete>"),
        "invalid utf-8",
    );
    let utf16: Vec<u8> = "<Delete/>"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_malformed(parse_delete(&utf16), "utf-16");
}

#[test]
fn oversized_bodies_are_refused_before_parsing() {
    let body = vec![b' '; MAX_XML_BODY_SIZE + 1];
    assert!(matches!(
        parse_delete(&body),
        Err(ProxyError::EntityTooLarge)
    ));
}

#[test]
fn bom_comments_and_processing_instructions_are_allowed() {
    let body = "\u{feff}<?xml version=\"1.0\"?><!-- c --><?pi x?><Delete><!-- c --><Object><Key>a<!-- c -->b</Key></Object></Delete><!-- c -->\n";
    let request = parse_delete(body.as_bytes()).unwrap();
    assert_eq!(request.objects[0].key, "ab");
}

#[test]
fn hostile_input_never_panics() {
    // Every prefix of a rich body is truncated XML; none may panic.
    let body = br#"<?xml version="1.0"?><Delete><Quiet>true</Quiet><Object><Key>a&amp;&#x20;<![CDATA[b]]></Key><VersionId>v</VersionId></Object></Delete>"#;
    for end in 0..body.len() {
        assert!(parse_delete(&body[..end]).is_err(), "prefix {end} parsed");
    }
    assert!(parse_delete(body).is_ok());
}
