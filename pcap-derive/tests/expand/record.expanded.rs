::pcap_core::__private::bitflags::bitflags! {
    #[doc = "PARSE and UNPACK flags for the fields of [`Record`]."] #[derive(Debug,
    Clone, Copy, PartialEq, Eq, Hash)] pub struct RecordFields : u8 { #[doc =
    "PARSE `ts_sec`: read it and keep its raw bytes."] const PARSE_TS_SEC = (1 as u8);
    #[doc = "UNPACK `ts_sec`: read and decode it (implies PARSE)."] const UNPACK_TS_SEC =
    (3 as u8); #[doc = "PARSE `ts_frac`: read it and keep its raw bytes."] const
    PARSE_TS_FRAC = (4 as u8); #[doc =
    "UNPACK `ts_frac`: read and decode it (implies PARSE)."] const UNPACK_TS_FRAC = (12
    as u8); #[doc = "PARSE `incl_len`: read it and keep its raw bytes."] const
    PARSE_INCL_LEN = (16 as u8); #[doc =
    "UNPACK `incl_len`: read and decode it (implies PARSE)."] const UNPACK_INCL_LEN = (48
    as u8); #[doc = "PARSE `small`: read it and keep its raw bytes."] const PARSE_SMALL =
    (64 as u8); #[doc = "UNPACK `small`: read and decode it (implies PARSE)."] const
    UNPACK_SMALL = (192 as u8); }
}
impl RecordFields {
    /// No field: only what is needed to find the header's end is read.
    pub const NONE: Self = Self::empty();
    /// UNPACK of the fields marked `#[field(default)]`.
    pub const DEFAULT: Self = Self::from_bits_retain((48 as u8));
    /// PARSE of every field.
    pub const PARSE_ALL: Self = Self::from_bits_retain((85 as u8));
    /// UNPACK of every field.
    pub const ALL: Self = Self::from_bits_retain((255 as u8));
}
impl ::core::default::Default for RecordFields {
    fn default() -> Self {
        Self::DEFAULT
    }
}
#[allow(dead_code)]
impl<'a> Record<'a> {
    ///PARSE `ts_sec`: read it and keep its raw bytes.
    pub const PARSE_TS_SEC: RecordFields = RecordFields::PARSE_TS_SEC;
    ///UNPACK `ts_sec`: read and decode it (implies PARSE).
    pub const UNPACK_TS_SEC: RecordFields = RecordFields::UNPACK_TS_SEC;
    ///PARSE `ts_frac`: read it and keep its raw bytes.
    pub const PARSE_TS_FRAC: RecordFields = RecordFields::PARSE_TS_FRAC;
    ///UNPACK `ts_frac`: read and decode it (implies PARSE).
    pub const UNPACK_TS_FRAC: RecordFields = RecordFields::UNPACK_TS_FRAC;
    ///PARSE `incl_len`: read it and keep its raw bytes.
    pub const PARSE_INCL_LEN: RecordFields = RecordFields::PARSE_INCL_LEN;
    ///UNPACK `incl_len`: read and decode it (implies PARSE).
    pub const UNPACK_INCL_LEN: RecordFields = RecordFields::UNPACK_INCL_LEN;
    ///PARSE `small`: read it and keep its raw bytes.
    pub const PARSE_SMALL: RecordFields = RecordFields::PARSE_SMALL;
    ///UNPACK `small`: read and decode it (implies PARSE).
    pub const UNPACK_SMALL: RecordFields = RecordFields::UNPACK_SMALL;
    /// No field: only what is needed to find the header's end is read.
    pub const NONE: RecordFields = RecordFields::NONE;
    /// UNPACK of the fields marked `#[field(default)]`.
    pub const DEFAULT: RecordFields = RecordFields::DEFAULT;
    /// PARSE of every field.
    pub const PARSE_ALL: RecordFields = RecordFields::PARSE_ALL;
    /// UNPACK of every field.
    pub const ALL: RecordFields = RecordFields::ALL;
    ///The header's display name, `pcap.record` (`Header::NAME`).
    pub const NAME: &'static str = "pcap.record";
    ///Layout of field `ts_sec` (display name `ts.sec`).
    pub const TS_SEC: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "ts_sec",
        display_name: "ts.sec",
        bit_offset: ::core::option::Option::Some((0usize)),
        bit_width: ::core::option::Option::Some(32usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `ts_frac` (display name `ts_frac`).
    pub const TS_FRAC: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "ts_frac",
        display_name: "ts_frac",
        bit_offset: ::core::option::Option::Some((32usize)),
        bit_width: ::core::option::Option::Some(32usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `incl_len` (display name `incl_len`).
    pub const INCL_LEN: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "incl_len",
        display_name: "incl_len",
        bit_offset: ::core::option::Option::Some((64usize)),
        bit_width: ::core::option::Option::Some(32usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `small` (display name `small`).
    pub const SMALL: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "small",
        display_name: "small",
        bit_offset: ::core::option::Option::Some((96usize)),
        bit_width: ::core::option::Option::Some(24usize),
        display: ::pcap_core::Display::Default,
    };
    /// Every field's layout, in declaration order.
    pub const FIELDS: &'static [::pcap_core::FieldSpec] = &[
        Self::TS_SEC,
        Self::TS_FRAC,
        Self::INCL_LEN,
        Self::SMALL,
    ];
    /// Length in bytes of the constant-layout prefix.
    pub const FIXED_LEN: usize = (15usize);
    /// Parses the header in its declared byte order; returns it and the bytes after it.
    #[inline]
    pub fn parse(
        bytes: &'a [u8],
        flags: RecordFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Self::__pcap_parse::<::pcap_core::BigEndian>(bytes, flags)
    }
    /// Parses with `endian` for every whole-byte field without an `endian` of its own.
    #[inline]
    pub fn parse_endian(
        bytes: &'a [u8],
        flags: RecordFields,
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        match endian {
            ::pcap_core::Endian::Big => {
                Self::__pcap_parse::<::pcap_core::BigEndian>(bytes, flags)
            }
            ::pcap_core::Endian::Little => {
                Self::__pcap_parse::<::pcap_core::LittleEndian>(bytes, flags)
            }
        }
    }
    /// [`Self::parse_endian`] with the byte order as a type: readers
    /// that fix the order once per file call this in their hot loop.
    #[inline]
    pub fn parse_as<__E: ::pcap_core::ByteOrder>(
        bytes: &'a [u8],
        flags: RecordFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Self::__pcap_parse::<__E>(bytes, flags)
    }
    /// The header's length, reading only what its `len` needs.
    #[inline]
    pub fn header_len(
        bytes: &[u8],
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        Record::__pcap_header_len::<::pcap_core::BigEndian>(bytes)
    }
    /// [`Self::header_len`] in the given byte order.
    #[inline]
    pub fn header_len_endian(
        bytes: &[u8],
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        match endian {
            ::pcap_core::Endian::Big => {
                Record::__pcap_header_len::<::pcap_core::BigEndian>(bytes)
            }
            ::pcap_core::Endian::Little => {
                Record::__pcap_header_len::<::pcap_core::LittleEndian>(bytes)
            }
        }
    }
    /// A lazy view: bounds are checked once, here.
    #[inline]
    pub fn view(
        bytes: &'a [u8],
    ) -> ::core::result::Result<RecordView<'a>, ::pcap_core::Error> {
        Self::view_endian(bytes, ::pcap_core::Endian::Big)
    }
    /// A lazy view reading whole-byte fields in `endian`.
    #[inline]
    pub fn view_endian(
        bytes: &'a [u8],
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<RecordView<'a>, ::pcap_core::Error> {
        match endian {
            ::pcap_core::Endian::Big => {
                Self::__pcap_view::<::pcap_core::BigEndian>(bytes)
            }
            ::pcap_core::Endian::Little => {
                Self::__pcap_view::<::pcap_core::LittleEndian>(bytes)
            }
        }
    }
    #[inline]
    #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
    fn __pcap_parse<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
        __pcap_flags: RecordFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        let __pcap_flags: u8 = __pcap_flags.bits();
        let __pcap_prefix: &'a [u8; (15usize)] = match __pcap_bytes
            .first_chunk::<{ (15usize) }>()
        {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated_prefix(
                        "Record",
                        Self::FIELDS,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let __pcap_f_ts_sec: ::pcap_core::Field<'a, u32> = if __pcap_flags & (2 as u8)
            != 0
        {
            ::pcap_core::Field::Value(
                if <__E as ::pcap_core::ByteOrder>::IS_BIG {
                    u32::from_be_bytes([
                        __pcap_prefix[(0usize) + 0usize],
                        __pcap_prefix[(0usize) + 1usize],
                        __pcap_prefix[(0usize) + 2usize],
                        __pcap_prefix[(0usize) + 3usize],
                    ])
                } else {
                    u32::from_le_bytes([
                        __pcap_prefix[(0usize) + 0usize],
                        __pcap_prefix[(0usize) + 1usize],
                        __pcap_prefix[(0usize) + 2usize],
                        __pcap_prefix[(0usize) + 3usize],
                    ])
                },
            )
        } else if __pcap_flags & (1 as u8) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::new(
                    &__pcap_prefix[(0usize)..(0usize) + 4usize],
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_f_ts_frac: ::pcap_core::Field<'a, u32> = if __pcap_flags & (8 as u8)
            != 0
        {
            ::pcap_core::Field::Value(
                if <__E as ::pcap_core::ByteOrder>::IS_BIG {
                    u32::from_be_bytes([
                        __pcap_prefix[(4usize) + 0usize],
                        __pcap_prefix[(4usize) + 1usize],
                        __pcap_prefix[(4usize) + 2usize],
                        __pcap_prefix[(4usize) + 3usize],
                    ])
                } else {
                    u32::from_le_bytes([
                        __pcap_prefix[(4usize) + 0usize],
                        __pcap_prefix[(4usize) + 1usize],
                        __pcap_prefix[(4usize) + 2usize],
                        __pcap_prefix[(4usize) + 3usize],
                    ])
                },
            )
        } else if __pcap_flags & (4 as u8) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::new(
                    &__pcap_prefix[(4usize)..(4usize) + 4usize],
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_f_incl_len: ::pcap_core::Field<'a, u32> = if __pcap_flags & (32 as u8)
            != 0
        {
            ::pcap_core::Field::Value(
                if <__E as ::pcap_core::ByteOrder>::IS_BIG {
                    u32::from_be_bytes([
                        __pcap_prefix[(8usize) + 0usize],
                        __pcap_prefix[(8usize) + 1usize],
                        __pcap_prefix[(8usize) + 2usize],
                        __pcap_prefix[(8usize) + 3usize],
                    ])
                } else {
                    u32::from_le_bytes([
                        __pcap_prefix[(8usize) + 0usize],
                        __pcap_prefix[(8usize) + 1usize],
                        __pcap_prefix[(8usize) + 2usize],
                        __pcap_prefix[(8usize) + 3usize],
                    ])
                },
            )
        } else if __pcap_flags & (16 as u8) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::new(
                    &__pcap_prefix[(8usize)..(8usize) + 4usize],
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_f_small: ::pcap_core::Field<'a, u32> = if __pcap_flags & (128 as u8)
            != 0
        {
            ::pcap_core::Field::Value(
                (::pcap_core::__private::load_le::<
                    3usize,
                >(
                    &[
                        __pcap_prefix[(12usize) + 0usize],
                        __pcap_prefix[(12usize) + 1usize],
                        __pcap_prefix[(12usize) + 2usize],
                    ],
                ) as u32),
            )
        } else if __pcap_flags & (64 as u8) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::new(
                    &__pcap_prefix[(12usize)..(12usize) + 3usize],
                    ::pcap_core::Endian::Little,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_buf: &'a [u8] = __pcap_bytes;
        let mut __pcap_pos: usize = (15usize);
        let __pcap_end: usize = __pcap_pos;
        let (__pcap_buf, __pcap_rest): (&'a [u8], &'a [u8]) = match __pcap_bytes
            .split_at_checked(__pcap_end)
        {
            ::core::option::Option::Some(x) => x,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Record",
                        "(header)",
                        0,
                        __pcap_end,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        ::core::result::Result::Ok((
            Record {
                ts_sec: __pcap_f_ts_sec,
                ts_frac: __pcap_f_ts_frac,
                incl_len: __pcap_f_incl_len,
                small: __pcap_f_small,
            },
            __pcap_rest,
        ))
    }
    #[inline]
    #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
    fn __pcap_header_len<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        let __pcap_prefix: &'a [u8; (15usize)] = match __pcap_bytes
            .first_chunk::<{ (15usize) }>()
        {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated_prefix(
                        "Record",
                        Self::FIELDS,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let __pcap_buf: &'a [u8] = __pcap_bytes;
        let mut __pcap_pos: usize = (15usize);
        let __pcap_end: usize = __pcap_pos;
        let (__pcap_buf, __pcap_rest): (&'a [u8], &'a [u8]) = match __pcap_bytes
            .split_at_checked(__pcap_end)
        {
            ::core::option::Option::Some(x) => x,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Record",
                        "(header)",
                        0,
                        __pcap_end,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        ::core::result::Result::Ok(__pcap_buf.len())
    }
    #[inline]
    #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
    fn __pcap_view<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
    ) -> ::core::result::Result<RecordView<'a>, ::pcap_core::Error> {
        let __pcap_prefix: &'a [u8; (15usize)] = match __pcap_bytes
            .first_chunk::<{ (15usize) }>()
        {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated_prefix(
                        "Record",
                        Self::FIELDS,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let __pcap_buf: &'a [u8] = __pcap_bytes;
        let mut __pcap_pos: usize = (15usize);
        let __pcap_end: usize = __pcap_pos;
        let (__pcap_buf, __pcap_rest): (&'a [u8], &'a [u8]) = match __pcap_bytes
            .split_at_checked(__pcap_end)
        {
            ::core::option::Option::Some(x) => x,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Record",
                        "(header)",
                        0,
                        __pcap_end,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        ::core::result::Result::Ok(RecordView {
            __pcap_prefix,
            __pcap_header: __pcap_buf,
            __pcap_payload: __pcap_rest,
            __pcap_endian: <__E as ::pcap_core::ByteOrder>::ENDIAN,
        })
    }
    /// Lax prefix parse, for a header cut short: never fails. Every
    /// field (per `flags`) whose bytes are within `bytes` is reported
    /// as the flags say; fields that do not fit, fields after an
    /// unknown length and `when` fields whose condition cannot be
    /// evaluated are `Skipped` (all of them for a header declared
    /// `partial = false`). For a complete header it equals
    /// `parse_endian(bytes, flags, endian)`'s header.
    #[inline]
    pub fn parse_prefix(
        bytes: &'a [u8],
        flags: RecordFields,
        endian: ::pcap_core::Endian,
    ) -> Self {
        Self::__pcap_prefix_parse(bytes, flags, endian).0
    }
    /// The header and whether the strict parse accepted it.
    fn __pcap_prefix_parse(
        __pcap_bytes: &'a [u8],
        __pcap_flags: RecordFields,
        __pcap_endian: ::pcap_core::Endian,
    ) -> (Self, bool) {
        match __pcap_endian {
            ::pcap_core::Endian::Big => {
                match Self::__pcap_parse::<
                    ::pcap_core::BigEndian,
                >(__pcap_bytes, __pcap_flags) {
                    ::core::result::Result::Ok((h, _)) => (h, true),
                    ::core::result::Result::Err(_) => {
                        (
                            Self::__pcap_parse_lax::<
                                ::pcap_core::BigEndian,
                            >(__pcap_bytes, __pcap_flags),
                            false,
                        )
                    }
                }
            }
            ::pcap_core::Endian::Little => {
                match Self::__pcap_parse::<
                    ::pcap_core::LittleEndian,
                >(__pcap_bytes, __pcap_flags) {
                    ::core::result::Result::Ok((h, _)) => (h, true),
                    ::core::result::Result::Err(_) => {
                        (
                            Self::__pcap_parse_lax::<
                                ::pcap_core::LittleEndian,
                            >(__pcap_bytes, __pcap_flags),
                            false,
                        )
                    }
                }
            }
        }
    }
    #[allow(
        unused_variables,
        unused_mut,
        unused_parens,
        unused_assignments,
        unreachable_patterns,
        clippy::all
    )]
    fn __pcap_parse_lax<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
        __pcap_flags: RecordFields,
    ) -> Self {
        let __pcap_flags: u8 = __pcap_flags.bits();
        let mut __pcap_avail: &'a [u8] = __pcap_bytes;
        let mut __pcap_pos: ::core::option::Option<usize> = ::core::option::Option::Some(
            0,
        );
        let mut __pcap_cut: bool = false;
        let (
            __pcap_f_ts_sec,
            _,
        ): (::pcap_core::Field<'a, u32>, ::core::option::Option<u32>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0,
                4usize,
            );
            __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 4usize);
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::new(
                    s,
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ));
            let mut __pcap_val: ::core::option::Option<u32> = if __pcap_flags & (2 as u8)
                != 0
            {
                __pcap_raw.map(|r| <u32 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u32> = if __pcap_flags & (2 as u8)
                != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (1 as u8) != 0 {
                match __pcap_raw {
                    ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else {
                ::pcap_core::Field::Skipped
            };
            (__pcap_field, __pcap_val)
        };
        let (
            __pcap_f_ts_frac,
            _,
        ): (::pcap_core::Field<'a, u32>, ::core::option::Option<u32>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0,
                4usize,
            );
            __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 4usize);
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::new(
                    s,
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ));
            let mut __pcap_val: ::core::option::Option<u32> = if __pcap_flags & (8 as u8)
                != 0
            {
                __pcap_raw.map(|r| <u32 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u32> = if __pcap_flags & (8 as u8)
                != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (4 as u8) != 0 {
                match __pcap_raw {
                    ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else {
                ::pcap_core::Field::Skipped
            };
            (__pcap_field, __pcap_val)
        };
        let (
            __pcap_f_incl_len,
            _,
        ): (::pcap_core::Field<'a, u32>, ::core::option::Option<u32>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0,
                4usize,
            );
            __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 4usize);
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::new(
                    s,
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ));
            let mut __pcap_val: ::core::option::Option<u32> = if __pcap_flags
                & (32 as u8) != 0
            {
                __pcap_raw.map(|r| <u32 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u32> = if __pcap_flags & (32 as u8)
                != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (16 as u8) != 0 {
                match __pcap_raw {
                    ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else {
                ::pcap_core::Field::Skipped
            };
            (__pcap_field, __pcap_val)
        };
        let (
            __pcap_f_small,
            _,
        ): (::pcap_core::Field<'a, u32>, ::core::option::Option<u32>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0,
                3usize,
            );
            __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 3usize);
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::new(s, ::pcap_core::Endian::Little));
            let mut __pcap_val: ::core::option::Option<u32> = if __pcap_flags
                & (128 as u8) != 0
            {
                __pcap_raw.map(|r| <u32 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u32> = if __pcap_flags & (128 as u8)
                != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (64 as u8) != 0 {
                match __pcap_raw {
                    ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else {
                ::pcap_core::Field::Skipped
            };
            (__pcap_field, __pcap_val)
        };
        Record {
            ts_sec: __pcap_f_ts_sec,
            ts_frac: __pcap_f_ts_frac,
            incl_len: __pcap_f_incl_len,
            small: __pcap_f_small,
        }
    }
    /// Calls `visit` with each present field (a `Value`, or a `Raw`
    /// decoded now; `Skipped` fields are not visited), in declaration
    /// order: its `FieldSpec` (one of `Self::FIELDS`) and its value.
    #[allow(unused_variables, clippy::all)]
    pub fn visit(
        &self,
        __pcap_visit: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) {
        match &self.ts_sec {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[0usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: u32 = <u32 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[0usize], __pcap_fv);
                }
            }
        }
        match &self.ts_frac {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[1usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: u32 = <u32 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[1usize], __pcap_fv);
                }
            }
        }
        match &self.incl_len {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[2usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: u32 = <u32 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[2usize], __pcap_fv);
                }
            }
        }
        match &self.small {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[3usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: u32 = <u32 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[3usize], __pcap_fv);
                }
            }
        }
    }
    /// Visits every field that fits in `bytes` (all fields unpacked,
    /// lax prefix parse in `endian`); returns whether the whole header
    /// was present.
    pub fn visit_bytes(
        __pcap_bytes: &[u8],
        __pcap_endian: ::pcap_core::Endian,
        __pcap_visit: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) -> bool {
        let (__pcap_header, __pcap_whole) = Record::__pcap_prefix_parse(
            __pcap_bytes,
            RecordFields::ALL,
            __pcap_endian,
        );
        __pcap_header.visit(__pcap_visit);
        __pcap_whole
    }
}
///A lazy view of a [`Record`]: bounds checked once by `Record::view`, fields decoded on access.
#[derive(Clone, Copy)]
pub struct RecordView<'a> {
    __pcap_prefix: &'a [u8; (15usize)],
    __pcap_header: &'a [u8],
    __pcap_payload: &'a [u8],
    __pcap_endian: ::pcap_core::Endian,
}
#[allow(dead_code, unused_parens, clippy::all)]
impl<'a> RecordView<'a> {
    ///Field `ts_sec`, decoded now.
    #[inline]
    pub fn ts_sec(&self) -> u32 {
        match self.__pcap_endian {
            ::pcap_core::Endian::Big => {
                u32::from_be_bytes([
                    self.__pcap_prefix[(0usize) + 0usize],
                    self.__pcap_prefix[(0usize) + 1usize],
                    self.__pcap_prefix[(0usize) + 2usize],
                    self.__pcap_prefix[(0usize) + 3usize],
                ])
            }
            ::pcap_core::Endian::Little => {
                u32::from_le_bytes([
                    self.__pcap_prefix[(0usize) + 0usize],
                    self.__pcap_prefix[(0usize) + 1usize],
                    self.__pcap_prefix[(0usize) + 2usize],
                    self.__pcap_prefix[(0usize) + 3usize],
                ])
            }
        }
    }
    ///Field `ts_frac`, decoded now.
    #[inline]
    pub fn ts_frac(&self) -> u32 {
        match self.__pcap_endian {
            ::pcap_core::Endian::Big => {
                u32::from_be_bytes([
                    self.__pcap_prefix[(4usize) + 0usize],
                    self.__pcap_prefix[(4usize) + 1usize],
                    self.__pcap_prefix[(4usize) + 2usize],
                    self.__pcap_prefix[(4usize) + 3usize],
                ])
            }
            ::pcap_core::Endian::Little => {
                u32::from_le_bytes([
                    self.__pcap_prefix[(4usize) + 0usize],
                    self.__pcap_prefix[(4usize) + 1usize],
                    self.__pcap_prefix[(4usize) + 2usize],
                    self.__pcap_prefix[(4usize) + 3usize],
                ])
            }
        }
    }
    ///Field `incl_len`, decoded now.
    #[inline]
    pub fn incl_len(&self) -> u32 {
        match self.__pcap_endian {
            ::pcap_core::Endian::Big => {
                u32::from_be_bytes([
                    self.__pcap_prefix[(8usize) + 0usize],
                    self.__pcap_prefix[(8usize) + 1usize],
                    self.__pcap_prefix[(8usize) + 2usize],
                    self.__pcap_prefix[(8usize) + 3usize],
                ])
            }
            ::pcap_core::Endian::Little => {
                u32::from_le_bytes([
                    self.__pcap_prefix[(8usize) + 0usize],
                    self.__pcap_prefix[(8usize) + 1usize],
                    self.__pcap_prefix[(8usize) + 2usize],
                    self.__pcap_prefix[(8usize) + 3usize],
                ])
            }
        }
    }
    ///Field `small`, decoded now.
    #[inline]
    pub fn small(&self) -> u32 {
        (::pcap_core::__private::load_le::<
            3usize,
        >(
            &[
                self.__pcap_prefix[(12usize) + 0usize],
                self.__pcap_prefix[(12usize) + 1usize],
                self.__pcap_prefix[(12usize) + 2usize],
            ],
        ) as u32)
    }
}
impl<'a> ::core::fmt::Debug for RecordView<'a> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Record")
            .field("header", &self.__pcap_header)
            .finish_non_exhaustive()
    }
}
impl<'a> ::pcap_core::HeaderView<'a> for RecordView<'a> {
    #[inline]
    fn header_bytes(&self) -> &'a [u8] {
        self.__pcap_header
    }
    #[inline]
    fn payload(&self) -> &'a [u8] {
        self.__pcap_payload
    }
}
impl<'a> ::pcap_core::Header<'a> for Record<'a> {
    type Flags = RecordFields;
    type View = RecordView<'a>;
    const NAME: &'static str = "pcap.record";
    const FIELDS: &'static [::pcap_core::FieldSpec] = Record::FIELDS;
    const FIXED_LEN: usize = Record::FIXED_LEN;
    const DEFAULT: RecordFields = RecordFields::DEFAULT;
    const ALL: RecordFields = RecordFields::ALL;
    #[inline]
    fn parse(
        bytes: &'a [u8],
        flags: RecordFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Record::parse(bytes, flags)
    }
    #[inline]
    fn parse_endian(
        bytes: &'a [u8],
        flags: RecordFields,
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Record::parse_endian(bytes, flags, endian)
    }
    #[inline]
    fn header_len(bytes: &[u8]) -> ::core::result::Result<usize, ::pcap_core::Error> {
        Record::header_len(bytes)
    }
    #[inline]
    fn header_len_endian(
        bytes: &[u8],
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        Record::header_len_endian(bytes, endian)
    }
    #[inline]
    fn view(
        bytes: &'a [u8],
    ) -> ::core::result::Result<RecordView<'a>, ::pcap_core::Error> {
        Record::view(bytes)
    }
    #[inline]
    fn visit(
        &self,
        visit: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) {
        Record::visit(self, visit)
    }
    #[inline]
    fn parse_prefix(
        bytes: &'a [u8],
        flags: RecordFields,
        endian: ::pcap_core::Endian,
    ) -> Self {
        Record::parse_prefix(bytes, flags, endian)
    }
    #[inline]
    fn visit_bytes(
        bytes: &[u8],
        endian: ::pcap_core::Endian,
        visit: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) -> bool {
        Record::visit_bytes(bytes, endian, visit)
    }
}
