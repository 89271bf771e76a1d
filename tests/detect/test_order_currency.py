"""Order totals and ISO currencies of genuine confirmations from every Amazon marketplace: signs before or
after the amount, longest sign first (R$ is not $), the marketplace's number formats (1,249.00 / 1.249,00 /
1 249,00 / 1,29,999.00 / Arabic-Indic digits) and a shared sign ($, kr, ¥, £, R) read by the From domain."""

from __future__ import annotations

import pytest

from lockwatch.detect.domains import fold, registered_domain
from lockwatch.detect.kinds import extract_order, marketplace_currency
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import Mail

ORDER = "402-5583301-7746028"

# (sender domain, how the total line reads, total, ISO currency)
CASES = [
    # dollars and pesos: "$" is the marketplace's own
    ("amazon.com", "Order Total: $89.99", 89.99, "USD"),
    ("amazon.com", "Order Total: US$ 1,249.00", 1249.00, "USD"),
    ("amazon.com", "Grand Total: USD 12.50", 12.50, "USD"),
    ("amazon.com", "Order Total: R$ 10,00", 10.00, "BRL"),
    ("amazon.ca", "Order Total: CDN$ 58.74", 58.74, "CAD"),
    ("amazon.ca", "Order Total: $1,058.74", 1058.74, "CAD"),
    ("amazon.ca", "Order Total: C$20.00", 20.00, "CAD"),
    ("amazon.ca", "Order Total: US$ 15.00", 15.00, "USD"),
    ("amazon.com.au", "Order Total: $64.00", 64.00, "AUD"),
    ("amazon.com.au", "Order Total: A$ 1,249.95", 1249.95, "AUD"),
    ("amazon.com.au", "Order Total: AU$12", 12.0, "AUD"),
    ("amazon.com.au", "Order Total: 30.00 AUD", 30.00, "AUD"),
    ("amazon.com.mx", "Total del pedido: $1,249.00", 1249.00, "MXN"),
    ("amazon.com.mx", "Total del pedido: MX$ 349.50", 349.50, "MXN"),
    ("amazon.com.mx", "Total del pedido: $ 12,499", 12499.0, "MXN"),
    ("amazon.com.mx", "Importe total: MXN 1,000.00", 1000.00, "MXN"),
    ("amazon.com.br", "Total do pedido: R$ 189,90", 189.90, "BRL"),
    ("amazon.com.br", "Total do pedido: R$1.249,00", 1249.00, "BRL"),
    ("amazon.com.br", "Valor total: BRL 50,00", 50.00, "BRL"),
    ("amazon.sg", "Order Total: S$39.90", 39.90, "SGD"),
    ("amazon.sg", "Order Total: SGD 1,249.00", 1249.00, "SGD"),
    ("amazon.sg", "Order Total: $15.00", 15.00, "SGD"),
    # kronor, złoty, lira: written after the number, comma decimals, space or dot thousands
    ("amazon.se", "Totalt för beställningen: 349,00 kr", 349.00, "SEK"),
    ("amazon.se", "Totalt för beställningen: 1 249 kr", 1249.0, "SEK"),
    ("amazon.se", "Att betala: SEK 299,50", 299.50, "SEK"),
    ("amazon.se", "Totalt för beställningen: kr 99,50", 99.50, "SEK"),
    ("amazon.pl", "Suma zamówienia: 129,99 zł", 129.99, "PLN"),
    ("amazon.pl", "Suma zamówienia: 1 249,00 zł", 1249.00, "PLN"),
    ("amazon.pl", "Do zapłaty: 1.249,00 zł", 1249.00, "PLN"),
    ("amazon.pl", "Suma zamówienia: PLN 89,00", 89.00, "PLN"),
    ("amazon.com.tr", "Sipariş Toplamı: 459,90 TL", 459.90, "TRY"),
    ("amazon.com.tr", "Sipariş Toplamı: 1.249,90 TL", 1249.90, "TRY"),
    ("amazon.com.tr", "Sipariş Toplamı: ₺459,90", 459.90, "TRY"),
    ("amazon.com.tr", "Genel toplam: 459,90 ₺", 459.90, "TRY"),
    ("amazon.com.tr", "Sipariş Toplamı: TRY 100,00", 100.00, "TRY"),
    # the Gulf and Egypt: Latin codes, Arabic signs, Arabic-Indic digits
    ("amazon.ae", "Order Total: AED 199.00", 199.00, "AED"),
    ("amazon.ae", "إجمالي الطلب: 199.00 د.إ", 199.00, "AED"),
    ("amazon.ae", "إجمالي الطلب: د.إ 1,249.00", 1249.00, "AED"),
    ("amazon.ae", "إجمالي الطلب: ١٬٢٤٩٫٥٠ درهم", 1249.50, "AED"),
    ("amazon.sa", "إجمالي الطلب: SAR 149.00", 149.00, "SAR"),
    ("amazon.sa", "إجمالي الطلب: 149.00 ر.س", 149.00, "SAR"),
    ("amazon.sa", "إجمالي الطلب: \u200f١٤٩٫٠٠ ر.س", 149.00, "SAR"),
    ("amazon.sa", "المبلغ الإجمالي: ٢٬٤٩٩ ريال", 2499.0, "SAR"),
    ("amazon.eg", "إجمالي الطلب: EGP 850.00", 850.00, "EGP"),
    ("amazon.eg", "إجمالي الطلب: 850.00 ج.م", 850.00, "EGP"),
    ("amazon.eg", "Order Total: E£ 1,250.50", 1250.50, "EGP"),
    ("amazon.eg", "إجمالي الطلب: ٨٥٠ جنيه", 850.0, "EGP"),
    ("amazon.eg", "Order Total: £850", 850.0, "EGP"),
    # euro marketplaces
    ("amazon.de", "Gesamtsumme: 24,99 €", 24.99, "EUR"),
    ("amazon.de", "Gesamtbetrag: 1.249,99 €", 1249.99, "EUR"),
    ("amazon.de", "Gesamtsumme: EUR 24,99", 24.99, "EUR"),
    ("amazon.de", "Gesamtsumme: CHF 1'249.00", 1249.00, "CHF"),
    ("amazon.fr", "Montant total : 1\u202f249,00\u00a0€", 1249.00, "EUR"),
    ("amazon.fr", "Montant total : 31,90 €", 31.90, "EUR"),
    ("amazon.com.be", "Montant total : € 36,40", 36.40, "EUR"),
    ("amazon.it", "Totale ordine: 27,50 €", 27.50, "EUR"),
    ("amazon.es", "Total del pedido: 1.045,99 €", 1045.99, "EUR"),
    ("amazon.nl", "Totaal bestelling: € 22,95", 22.95, "EUR"),
    ("amazon.ie", "Order Total: €1,054.99", 1054.99, "EUR"),
    # pound, rupee, yen, yuan, rand
    ("amazon.co.uk", "Order Total: £18.49", 18.49, "GBP"),
    ("amazon.co.uk", "Order Total: GBP 1,018.49", 1018.49, "GBP"),
    ("amazon.co.uk", "Order Total: $20.00", 20.00, "USD"),
    ("amazon.in", "Order Total: ₹1,299.00", 1299.00, "INR"),
    ("amazon.in", "Order Total: Rs. 1,29,999.00", 129999.00, "INR"),
    ("amazon.in", "Order Total: INR 499", 499.0, "INR"),
    ("amazon.co.jp", "注文合計 ￥3,480", 3480.0, "JPY"),
    ("amazon.co.jp", "注文合計: 3,480円（税込）", 3480.0, "JPY"),
    ("amazon.co.jp", "ご請求額：¥ 12,800", 12800.0, "JPY"),
    ("amazon.cn", "Order Total: ￥199.00", 199.00, "CNY"),
    ("amazon.cn", "Order Total: 1,299元", 1299.0, "CNY"),
    ("amazon.co.za", "Order Total: R 349.00", 349.00, "ZAR"),
    ("amazon.co.za", "Order Total: R1 299,00", 1299.00, "ZAR"),
]


def _mail(domain: str, body: str, subject: str = f"Your order #{ORDER}") -> Mail:
    return Mail(from_addr=f"auto-confirm@{domain}", subject=subject, text=body)


def _order(mail: Mail):
    order = extract_order(mail, "order", fold(mail.text))
    assert order is not None
    return order


@pytest.mark.parametrize(("domain", "line", "total", "currency"), CASES, ids=lambda v: str(v)[:30])
def test_total_and_currency(domain: str, line: str, total: float, currency: str) -> None:
    body = f"Order # {ORDER}\n\n* Something nice\n  Quantity: 1\n\n{line}\n\nhttps://www.{domain}/gp/css/order-history\n"
    order = _order(_mail(domain, body))
    assert (order.currency, order.total) == (currency, pytest.approx(total))


def test_the_amount_under_a_quantity_line_keeps_its_sign_and_no_label_is_needed() -> None:
    # "1" is the quantity, "AED" belongs to the amount on the next line; no total label at all
    body = f"Order # {ORDER}\n\n* Tefal Air Fryer\n  Quantity: 1\n  AED 199.00\n"
    order = _order(_mail("amazon.ae", body))
    assert (order.currency, order.total) == ("AED", pytest.approx(199.0))


@pytest.mark.parametrize(("domain", "body", "total", "currency"), [
    ("amazon.com.br", "Subtotal: R$ 170,00\nFrete: R$ 19,90\nTotal do pedido: R$ 189,90\n", 189.90, "BRL"),
    ("amazon.com.tr", "Ara toplam: 400,00 TL\nKargo: 59,90 TL\nSipariş Toplamı: 459,90 TL\n", 459.90, "TRY"),
    ("amazon.nl", "Subtotaal: € 20,00\nVerzending: € 2,95\nTotaal bestelling: € 22,95\n", 22.95, "EUR"),
    ("amazon.sa", "المجموع الفرعي: 120.00 ر.س\nالشحن: 29.00 ر.س\nإجمالي الطلب: 149.00 ر.س\n", 149.0, "SAR"),
    ("amazon.pl", "Suma częściowa: 110,00 zł\nDostawa: 19,99 zł\nSuma zamówienia: 129,99 zł\n", 129.99, "PLN"),
])
def test_the_grand_total_wins_over_subtotals(domain: str, body: str, total: float, currency: str) -> None:
    order = _order(_mail(domain, f"Order # {ORDER}\n\n{body}"))
    assert (order.currency, order.total) == (currency, pytest.approx(total))


def test_a_shared_sign_from_an_unknown_sender_keeps_its_own_meaning() -> None:
    assert _order(_mail("example.org", "Order Total: $5.00")).currency == "USD"
    assert _order(_mail("example.org", "Order Total: 349 kr")).currency == "SEK"
    # a bare "R" is a rand only on amazon.co.za
    assert _order(_mail("amazon.com", "Order Total: R 349.00")).currency is None


def test_letter_signs_stand_as_words() -> None:
    # "tl" inside a word and "kr" inside "krona" are no currency; the real amount is still found
    order = _order(_mail("amazon.se", "Order Total: 2 kronor items, 349 kr\n"))
    assert (order.currency, order.total) == ("SEK", pytest.approx(349.0))


def test_every_marketplace_sender_has_a_currency_with_a_sign() -> None:
    k = knowledge()
    marketplaces = k.brand["marketplaces"]
    codes = set(k.currencies.values())
    for domain, currency in marketplaces.items():
        assert domain in k.sender_domains, domain
        assert currency in codes and k.currencies.get(currency) == currency, (domain, currency)
    retail = [d for d in k.brand["domains"]["senders"] if registered_domain(d).startswith("amazon.")]
    assert retail and all(d in marketplaces for d in retail), set(retail) - set(marketplaces)
    assert marketplace_currency(_mail("amazon.com.au", "")) == "AUD"
    assert marketplace_currency(Mail(from_addr="ship-confirm@marketplace.amazon.co.uk")) == "GBP"
    assert marketplace_currency(Mail(from_addr="")) is None


def test_shared_signs_name_known_currencies() -> None:
    k = knowledge()
    codes = set(k.currencies.values()) | {"ISK"}
    for sign, currencies in k.brand["orders"]["shared_signs"].items():
        assert set(currencies) <= codes, sign
