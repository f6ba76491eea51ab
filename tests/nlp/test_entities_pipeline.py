"""One test per rule family, through the whole pipeline (underthesea's
segmentation, POS and CRF tags, then the rules), on sentences written for the
tests (not the seeds). Rules alone: test_entity_rules.py."""
import pytest

from annotations.nlp.entities import score


def labels(found, label):
    return [s for s, lab in found if lab == label]


@pytest.mark.parametrize("text, expected", [
    ("Ban Bí thư ban hành Chỉ thị số 21-CT/TW về công tác dân vận.", "Chỉ thị số 21-CT/TW"),
    ("Thủ tướng ký Quyết định số 1234/QĐ-TTg phê duyệt quy hoạch.", "Quyết định số 1234/QĐ-TTg"),
    ("Chính phủ ban hành Nghị định 100/2019/NĐ-CP về xử phạt.", "Nghị định 100/2019/NĐ-CP"),
    ("Thực hiện Kết luận số 123-KL/TW của Bộ Chính trị.", "Kết luận số 123-KL/TW"),
    ("Quốc hội thông qua Luật Đất đai năm 2024 tại kỳ họp.", "Luật Đất đai năm 2024"),
    ("Tỉnh triển khai Đề án 06 về dữ liệu dân cư.", "Đề án 06"),
    ("Quán triệt Nghị quyết Đại hội XIII của Đảng đến chi bộ.", "Nghị quyết Đại hội XIII của Đảng"),
])
def test_doc_patterns(ents, text, expected):
    assert expected in labels(ents(text), "DOC")


@pytest.mark.parametrize("text, expected", [
    ("Đại hội đại biểu toàn quốc lần thứ XIII của Đảng đã thành công.",
     "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"),
    ("Chuẩn bị tốt Đại hội XV của Đảng.", "Đại hội XV của Đảng"),
    ("Hội nghị Trung ương 6 khóa XIII bàn về quy hoạch.", "Hội nghị Trung ương 6 khóa XIII"),
    ("Kỳ họp thứ 7 Quốc hội khóa XV bế mạc.", "Kỳ họp thứ 7 Quốc hội khóa XV"),
    ("Đại hội Đảng bộ tỉnh lần thứ XVIII đã bầu Ban Chấp hành mới.", "Đại hội Đảng bộ tỉnh lần thứ XVIII"),
    ("Tỉnh tổ chức Lễ Quốc khánh long trọng.", "Lễ Quốc khánh"),
])
def test_event_patterns(ents, text, expected):
    assert expected in labels(ents(text), "EVENT")


@pytest.mark.parametrize("text, expected", [
    ("Sáng 5/9/2023, tỉnh khai giảng năm học mới.", "Sáng 5/9/2023"),
    ("Ngày 2-9, cả nước kỷ niệm Quốc khánh.", "Ngày 2-9"),
    ("Kết quả quý I/2025 khả quan.", "quý I/2025"),
    ("Trong 9 tháng đầu năm 2022, xuất khẩu tăng.", "9 tháng đầu năm 2022"),
    ("Kế hoạch giai đoạn 2021 - 2025 được triển khai.", "giai đoạn 2021 - 2025"),
    ("Đại hội nhiệm kỳ 2025-2030 đã thành công.", "nhiệm kỳ 2025-2030"),
    ("Đến tháng 6/2024, tỉnh đã hoàn thành.", "tháng 6/2024"),
    ("Hội nghị tổng kết năm 2021 diễn ra sôi nổi.", "năm 2021"),
    ("Tối 12 tháng 3 năm 2024, đoàn đã về tới.", "Tối 12 tháng 3 năm 2024"),
])
def test_time_patterns(ents, text, expected):
    assert expected in labels(ents(text), "TIME")


@pytest.mark.parametrize("text, expected", [
    ("Tăng trưởng đạt 7,52% so với cùng kỳ.", "7,52%"),
    ("Tỉnh đã hỗ trợ 1.250 hộ nghèo xây nhà.", "1.250 hộ"),
    ("Huyện đạt 17/19 tiêu chí nông thôn mới.", "17/19 tiêu chí"),
    ("Tổng vốn đạt 12,5 nghìn tỷ đồng.", "12,5 nghìn tỷ đồng"),
    ("Có 45 triệu người tham gia bảo hiểm.", "45 triệu người"),
])
def test_num_patterns(ents, text, expected):
    assert expected in labels(ents(text), "NUM")


def test_num_leaves_identifiers_and_years_alone(ents):
    found = ents("Cơn bão số 4 đổ bộ vào năm 2023, gây thiệt hại.")
    assert not any(lab == "NUM" for _, lab in found)


@pytest.mark.parametrize("text, expected", [
    ("Bộ Y tế và Bộ Giáo dục và Đào tạo phối hợp kiểm tra.", ["Bộ Y tế", "Bộ Giáo dục và Đào tạo"]),
    ("Ban Thường vụ Tỉnh ủy Nghệ An họp phiên thường kỳ.", ["Ban Thường vụ Tỉnh ủy Nghệ An"]),
    ("UBND tỉnh Lâm Đồng chỉ đạo các sở.", ["UBND tỉnh Lâm Đồng"]),
    ("Ủy ban Kiểm tra Trung ương kết luận vi phạm.", ["Ủy ban Kiểm tra Trung ương"]),
    ("Sở Tài chính tỉnh Đồng Nai báo cáo.", ["Sở Tài chính tỉnh Đồng Nai"]),
    ("Tin từ TTXVN cho biết Mặt trận Tổ quốc Việt Nam đã vận động.", ["TTXVN", "Mặt trận Tổ quốc Việt Nam"]),
    ("Đảng ta luôn coi trọng công tác cán bộ.", ["Đảng"]),
])
def test_gazetteer_org(ents, text, expected):
    assert labels(ents(text), "ORG") == expected


@pytest.mark.parametrize("text, expected", [
    ("Đoàn công tác đã thăm Lào và Campuchia.", ["Lào", "Campuchia"]),
    ("Hợp tác giữa Việt Nam và Hoa Kỳ ngày càng sâu rộng.", ["Việt Nam", "Hoa Kỳ"]),
    ("Mưa lớn gây ngập tại huyện Mường Tè và thành phố Đà Nẵng.", ["Mường Tè", "Đà Nẵng"]),
    ("Du khách đi dạo quanh Hồ Gươm.", ["Hồ Gươm"]),
])
def test_gazetteer_loc(ents, text, expected):
    assert labels(ents(text), "LOC") == expected


@pytest.mark.parametrize("text, expected", [
    ("Thủ tướng Phạm Minh Chính chủ trì phiên họp.", ["Phạm Minh Chính"]),
    ("Đồng chí Bí thư Thành ủy Nguyễn Văn Nên phát biểu.", ["Nguyễn Văn Nên"]),
    ("Tổng thống Putin đã điện mừng.", ["Putin"]),
    ("Bà Trương Thị Mai dự lễ.", ["Trương Thị Mai"]),
    ("Phó Chủ tịch UBND tỉnh Y Thanh Hà Niê Kđăm kiểm tra.", ["Y Thanh Hà Niê Kđăm"]),
])
def test_person_without_title(ents, text, expected):
    assert labels(ents(text), "PER") == expected


def test_crf_mistakes_corrected(ents):
    found = ents("Tại Trụ sở Trung ương Đảng, đồng chí Lương Cường tổng kết năm 2024 và quý 2.")
    assert ("Lương Cường", "PER") in found  # CRF: LOC "đồng chí Lương Cường"
    assert ("năm 2024", "TIME") in found and ("quý 2", "TIME") in found  # CRF: LOC
    assert not any(lab == "LOC" for _, lab in found)  # CRF: LOC "Trụ sở Trung ương Đảng"
    assert ("Trung ương Đảng", "ORG") in found


def test_title_swallowed_by_crf_is_stripped(ents):
    found = ents("Đồng chí Bí thư Tỉnh ủy Lò Văn Hợi phát biểu tại hội nghị.")
    assert ("Lò Văn Hợi", "PER") in found
    assert not any("Bí thư" in s for s, _ in found)


def test_heading_in_capitals_and_day_ranges(ents):
    assert ("9 THÁNG ĐẦU NĂM 2024", "TIME") in ents("KẾT QUẢ THỰC HIỆN NHIỆM VỤ 9 THÁNG ĐẦU NĂM 2024")
    assert ("ngày 18 đến 20/9/2024", "TIME") in ents("Hội nghị diễn ra từ ngày 18 đến 20/9/2024 tại Hà Nội.")


def test_lunar_year_is_no_person(ents):
    found = ents("Nhân dịp Tết Nguyên đán Giáp Thìn 2024, Tỉnh ủy tặng 5.000 suất quà.")
    assert ("Tết Nguyên đán Giáp Thìn 2024", "EVENT") in found
    assert not labels(found, "PER")


def test_currency_word_is_not_comrade(ents):
    found = ents("Đại hội đã bầu 53 đồng chí vào Ban Chấp hành; thu 15.300 tỷ đồng.")
    assert ("15.300 tỷ đồng", "NUM") in found
    assert not any(s.startswith("53") and "tỷ" in s for s, _ in found)


def test_person_named_by_title_is_found_again(ents):
    found = ents("Tổng thống Putin đã điện mừng.\n\nTrong điện, Putin khẳng định quan hệ đối tác.")
    assert labels(found, "PER") == ["Putin", "Putin"]


def test_mass_organisations_take_their_place(ents):
    found = ents("Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An và Hội Nông dân huyện Yên Thành phối hợp.")
    assert labels(found, "ORG") == ["Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An", "Hội Nông dân huyện Yên Thành"]


def test_ho_chi_minh_alone_is_a_person(ents):
    found = ents("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh tại Thành phố Hồ Chí Minh.")
    assert ("Hồ Chí Minh", "PER") in found and ("Thành phố Hồ Chí Minh", "LOC") in found


def test_acronym_after_organisation(ents):
    found = ents("Tập đoàn Điện lực Việt Nam (EVN) bảo đảm cung ứng điện.")
    assert labels(found, "ORG") == ["Tập đoàn Điện lực Việt Nam", "EVN"]


def test_law_name_runs_over_lower_case_words(ents):
    found = ents("Quốc hội sẽ xem xét Luật Tổ chức chính quyền địa phương (sửa đổi) tại kỳ họp.")
    assert ("Luật Tổ chức chính quyền địa phương (sửa đổi)", "DOC") in found


def test_institution_named_after_a_person(ents):
    found = ents("Giám đốc Bệnh viện Bạch Mai Đào Xuân Cơ báo cáo.")
    assert ("Bệnh viện Bạch Mai", "ORG") in found and ("Đào Xuân Cơ", "PER") in found


def test_summits_ranges_regions_and_foreign_names(ents):
    found = ents("Hội nghị Cấp cao ASEAN lần thứ 44 bàn về lạm phát từ 3,5-4,5% ở miền Trung và châu Á.")
    assert ("Hội nghị Cấp cao ASEAN lần thứ 44", "EVENT") in found
    assert ("3,5-4,5%", "NUM") in found
    assert labels(found, "LOC") == ["miền Trung", "châu Á"]
    assert ("Anthony Albanese", "PER") in ents("Thủ tướng Anthony Albanese thăm Hà Nội.")


def test_abbreviated_body_before_a_name(ents):
    found = ents("Phó Chủ tịch QH Nguyễn Đức Hải dự họp.")
    assert ("QH", "ORG") in found and ("Nguyễn Đức Hải", "PER") in found


def test_capitalised_phrase_is_no_person(ents):
    found = ents("Các thành viên Thường trực Tổ Biên tập Tiểu ban Văn kiện và Trưởng ban Tổ chức Trung ương dự họp.")
    assert not labels(found, "PER")


def test_congress_of_a_city_with_abbreviation(ents):
    found = ents("Chuẩn bị Đại hội Đảng bộ TP.HCM lần thứ XII, nhiệm kỳ 2025-2030.")
    assert ("Đại hội Đảng bộ TP.HCM lần thứ XII", "EVENT") in found


def test_durations_and_dates_without_year(ents):
    found = ents("Chiều nay 9/7, Sở công bố thu ngân sách 6 tháng là 12.221 tỷ đồng, thấp nhất trong 10 năm qua.")
    assert {("Chiều nay 9/7", "TIME"), ("6 tháng", "TIME"), ("10 năm qua", "TIME")} <= set(found)
    assert not any(s == "9/7" for s, _ in found)


def test_numbered_plenums_of_local_committees(ents):
    found = ents("Hội nghị Tỉnh ủy lần thứ 16 khóa XII và Hội nghị lần thứ 36 (mở rộng) đã bế mạc.")
    assert labels(found, "EVENT") == ["Hội nghị Tỉnh ủy lần thứ 16 khóa XII", "Hội nghị lần thứ 36 (mở rộng)"]
    found = ents("Qua nửa nhiệm kỳ thực hiện Nghị quyết Đại hội XI Đảng bộ tỉnh, kinh tế tăng trưởng dương.")
    assert labels(found, "DOC") == ["Nghị quyết Đại hội XI Đảng bộ tỉnh"]


def test_title_case_variants_and_delegations(ents):
    found = ents("Bà Nguyễn Thị Yến, Phó Bí thư Thường trực Tỉnh ủy, Trưởng Đoàn ĐBQH tỉnh chủ trì.")
    assert labels(found, "PER") == ["Nguyễn Thị Yến"]
    assert labels(found, "ORG") == ["Tỉnh ủy"]  # "Trưởng Đoàn ĐBQH tỉnh" is one title (GOLD.md)


def test_foreign_leader_after_title_and_country(ents):
    found = ents("Chủ tịch nước Lương Cường hội đàm với Tổng Bí thư, Chủ tịch nước Trung Quốc Tập Cận Bình.")
    assert labels(found, "PER") == ["Lương Cường", "Tập Cận Bình"]
    assert labels(found, "LOC") == ["Trung Quốc"]


def test_summit_of_an_organisation_and_day_to_day(ents):
    found = ents("Trung Quốc tổ chức Hội nghị thượng đỉnh Tổ chức Hợp tác Thượng Hải (SCO) "
                 "từ ngày 12 đến ngày 13 tháng 12 năm 2023.")
    assert ("Hội nghị thượng đỉnh Tổ chức Hợp tác Thượng Hải", "EVENT") in found
    assert ("SCO", "ORG") in found
    assert labels(found, "TIME") == ["ngày 12", "ngày 13 tháng 12 năm 2023"]


def test_plenum_ordinals_in_words_and_terms(ents):
    found = ents("Hội nghị lần thứ 12 Ban Chấp hành Đảng bộ tỉnh khóa XX bế mạc; "
                 "Hội nghị lần thứ chín, khóa XI khai mạc.")
    assert labels(found, "EVENT") == ["Hội nghị lần thứ 12 Ban Chấp hành Đảng bộ tỉnh khóa XX",
                                      "Hội nghị lần thứ chín, khóa XI"]


def test_list_markers_are_no_figures_and_names_after_colon(ents):
    found = ents("Nội dung gồm: (1) báo cáo quý I-2022; (2) đề án. Các đồng chí: Chẩu Văn Lâm, Lò Mai Anh dự.")
    assert not labels(found, "NUM")
    assert ("quý I-2022", "TIME") in found
    assert labels(found, "PER") == ["Chẩu Văn Lâm", "Lò Mai Anh"]


def test_case_variants_and_offices(ents):
    assert labels(ents("Ban thường vụ Tỉnh ủy họp sáng nay."), "ORG") == ["Ban thường vụ Tỉnh ủy"]
    assert not labels(ents("Ban tổ chức Hội nghị đã chuẩn bị chu đáo."), "ORG")
    found = ents("Văn phòng Tỉnh ủy và Văn phòng Ủy ban nhân dân tỉnh phối hợp.")
    assert labels(found, "ORG") == ["Văn phòng Tỉnh ủy", "Văn phòng Ủy ban nhân dân tỉnh"]


def test_inspection_commission_abbreviations_and_courts(ents):
    found = ents("Ủy ban Kiểm tra T.Ư họp kỳ 40 và UBKT Trung ương đề nghị Tòa án nhân dân TP.Hà Nội xét xử.")
    assert labels(found, "ORG") == ["Ủy ban Kiểm tra T.Ư", "UBKT Trung ương", "Tòa án nhân dân TP.Hà Nội"]
    assert not labels(found, "NUM")
    assert ("Kỳ họp 23", "EVENT") in ents("Nội dung đã được kết luận tại Kỳ họp 23 của UBKT Trung ương.")


def test_date_in_brackets_and_central_committee_abbreviation(ents):
    found = ents("Chiều nay (17/10), đồng chí Lê Văn Hai, Ủy viên T.Ư Đảng, phát biểu.")
    assert ("17/10", "TIME") in found and ("T.Ư Đảng", "ORG") in found
    assert ("Lê Văn Hai", "PER") in found


def test_foreign_bodies_officials_and_dialogues(ents):
    found = ents("Bộ trưởng Quốc phòng Nhật Bản Nakatani Gen gặp đoàn Bộ Quốc phòng Việt Nam tại Đối thoại "
                 "chính sách quốc phòng Việt Nam - Nhật Bản lần thứ 10.")
    assert ("Nhật Bản", "LOC") in found and ("Nakatani Gen", "PER") in found
    assert ("Bộ Quốc phòng Việt Nam", "ORG") in found
    assert ("Đối thoại chính sách quốc phòng Việt Nam - Nhật Bản lần thứ 10", "EVENT") in found


def test_senators_and_place_heads(ents):
    found = ents("Thượng nghị sĩ John Smith của Thượng viện Hoa Kỳ đến Cửa khẩu quốc tế Mộc Bài.")
    assert ("John Smith", "PER") in found
    assert ("Thượng viện Hoa Kỳ", "ORG") in found
    assert ("Cửa khẩu quốc tế Mộc Bài", "LOC") in found


def test_sessions_with_comma_weekdays_and_lower_case_laws(ents):
    found = ents("Thứ Tư, ngày 5/6/2024, Kỳ họp thứ 7, Quốc hội khóa XV thông qua Luật đất đai (sửa đổi).")
    assert ("Thứ Tư", "TIME") in found and ("ngày 5/6/2024", "TIME") in found
    assert ("Kỳ họp thứ 7, Quốc hội khóa XV", "EVENT") in found
    assert ("Luật đất đai (sửa đổi)", "DOC") in found
    found = ents("Quốc hội cho ý kiến về dự thảo Luật thuế thu nhập cá nhân trong lần thứ hai.")
    assert ("Luật thuế thu nhập cá nhân", "DOC") in found
    assert not labels(ents("Luật quy định rõ trách nhiệm của người đứng đầu."), "DOC")


def test_clock_times(ents):
    found = ents("Tính đến 7h00 ngày 13/9, lúc 17 giờ 30 phút chiều 18/7 đã có 336 người chết, mất tích.")
    assert labels(found, "TIME") == ["7h00 ngày 13/9", "17 giờ 30 phút chiều 18/7"]
    assert ("336 người", "NUM") in found


def test_preposition_before_a_place_is_no_surname(ents):
    found = ents("Từ Hà Nội đến Cao Bằng mất 6 giờ.")
    assert labels(found, "LOC") == ["Hà Nội", "Cao Bằng"] and not labels(found, "PER")


def test_numbered_committees_companies_contests_and_seasons(ents):
    found = ents("Ban Chỉ đạo 35 Trung ương phát động Cuộc thi chính luận về bảo vệ nền tảng tư tưởng "
                 "của Đảng lần thứ 4 năm 2024 tại Công ty than Hà Lầm từ mùa xuân năm 2024.")
    assert ("Ban Chỉ đạo 35 Trung ương", "ORG") in found
    assert ("Cuộc thi chính luận về bảo vệ nền tảng tư tưởng của Đảng lần thứ 4", "EVENT") in found
    assert ("năm 2024", "TIME") in found and ("mùa xuân năm 2024", "TIME") in found
    assert ("Công ty than Hà Lầm", "ORG") in found
    assert not labels(found, "NUM")


def test_holidays_with_dates_and_country_inside_a_name(ents):
    found = ents("Sở Y tế bảo đảm trực trong kỳ nghỉ Lễ Quốc khánh 2/9 tại Bệnh viện Hữu nghị Việt Đức.")
    assert ("Lễ Quốc khánh 2/9", "EVENT") in found
    assert ("Sở Y tế", "ORG") in found
    assert ("Đức", "LOC") not in found


@pytest.mark.slow
def test_micro_f1_on_gold_is_at_least_085(gold_records):
    """Quality gate (not timed): catches regressions in the rules."""
    from annotations.nlp import analyze

    pairs = []
    for rec in gold_records:
        pred = [(e.start, e.end, e.label) for e in analyze(rec["paragraph"]).entities]
        pairs.append((rec["entities"], pred))
    res = score(pairs)
    assert res["micro"][2] >= 0.85, res
