{#- Exact money. Amounts arrive as decimal strings in the table's unit; the
    warehouse stores yuan as DECIMAL(18,2). Python's countybudget.money.UNIT_FACTORS
    is the same table: 元 = 1, 万元 = 10000. -#}

{#- yuan per unit, NULL for an unknown unit (so the figure is flagged, never guessed) -#}
{% macro unit_factor(unit) -%}
    case trim({{ unit }}) when '元' then 1::decimal(6, 0) when '万元' then 10000::decimal(6, 0) end
{%- endmacro %}

{#- An amount in its unit (DECIMAL(20,6): up to six printed decimals) to yuan,
    rounded to the cent. DECIMAL × DECIMAL stays DECIMAL in DuckDB (never DOUBLE). -#}
{% macro to_yuan(amount_in_unit, unit) -%}
    cast({{ amount_in_unit }} * {{ unit_factor(unit) }} as decimal(18, 2))
{%- endmacro %}

{#- A ratio in percent, for analyst marts (not money: DECIMAL(9,2), NULL when the base is 0 or missing) -#}
{% macro percent_change(current, previous) -%}
    case when {{ previous }} is not null and {{ previous }} <> 0
         then cast(({{ current }} - {{ previous }}) * 100 / {{ previous }} as decimal(9, 2)) end
{%- endmacro %}
