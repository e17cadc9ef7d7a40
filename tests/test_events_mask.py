"""Personal numbers in customer text are masked before anything is stored, in Chinese text where
digits run straight into characters."""

from __future__ import annotations

from casebook.events.mask import BANK_CARD, EMAIL, ID_CARD, LANDLINE, MOBILE, luhn_valid, mask


def with_check_digit(prefix: str) -> str:
    """`prefix` completed to a number that passes the Luhn check, as real bank cards do."""
    return next(prefix + str(d) for d in range(10) if luhn_valid(prefix + str(d)))


def test_mobile_numbers_run_into_chinese_characters_are_masked():
    text = "客户王先生手机13812345678反映宽带掉线，备用号+86 139 1234 5678，也可打8613912345678联系"
    masked = mask(text)
    assert "1381234" not in masked and "1234 5678" not in masked and "13912345678" not in masked
    assert masked.count(MOBILE) == 3
    assert masked.startswith("客户王先生手机" + MOBILE + "反映宽带掉线")


def test_landlines_with_area_codes_are_masked_even_when_partly_masked_already():
    masked = mask("房东固话0755-8337XX69一直没人接，公司电话(020)87654321转123，家里 010 62345678")
    assert masked == f"房东固话{LANDLINE}一直没人接，公司电话{LANDLINE}，家里 {LANDLINE}"


def test_a_landline_written_with_a_full_width_hyphen_is_masked():
    assert mask("房东电话0755－83371269，一直没人接") == f"房东电话{LANDLINE}，一直没人接"


def test_a_bare_local_number_is_masked_when_the_text_calls_it_a_phone():
    assert mask("客户电话：83371269，欠费3个月") == f"客户电话：{LANDLINE}，欠费3个月"


def test_id_card_numbers_old_and_new_are_masked():
    masked = mask("身份证号440301199003071234的客户要求销号；老证430102850101123已过期；另一位44030119900307123X。")
    assert masked == f"身份证号{ID_CARD}的客户要求销号；老证{ID_CARD}已过期；另一位{ID_CARD}。"


def test_bank_card_numbers_are_masked_when_they_pass_the_luhn_check():
    card = with_check_digit("622202123456789012")  # 19 digits
    grouped = with_check_digit("621700123456789")  # 16 digits, written in groups of four
    grouped = " ".join(grouped[i:i + 4] for i in range(0, 16, 4))
    masked = mask(f"工行卡{card}代扣失败，建行卡 {grouped} 也扣不了")
    assert masked == f"工行卡{BANK_CARD}代扣失败，建行卡 {BANK_CARD} 也扣不了"


def test_email_addresses_are_masked():
    assert mask("发票请发到wang.li@example.com.cn邮箱") == f"发票请发到{EMAIL}邮箱"


def test_amounts_dates_and_durations_are_left_alone():
    text = "欠费3个月共158.5元，ARPU 150元，2023年5月入网，在网13个月，套餐139元，合同号20230501，订单号1234567890123456"
    assert mask(text) == text
