"""The demo office's data: bureau leaders, the 54 units, name pools, about 60 items and feedback phrases."""

from typing import NamedTuple

from models.item import ItemSource

# Bureau leaders: (key used below, name, title, e-mail local part, receives escalations, sort order).
LEADERS = (
    ("局长", "赵振国", "局长", "zhaozhenguo", True, 10),
    ("书记", "孙立民", "党委书记", "sunlimin", True, 20),
    ("营林", "刘建华", "副局长", "liujianhua", False, 30),
    ("安全", "陈志强", "副局长", "chenzhiqiang", False, 40),
    ("民生", "杨春梅", "副局长", "yangchunmei", False, 50),
    ("纪委", "周文斌", "纪委书记", "zhouwenbin", True, 60),
    ("工会", "吴秀兰", "工会主席", "wuxiulan", False, 70),
)

# 局直单位 (coded JZ01..JZ40, in this order): (name, key of the leader in charge).
AFFILIATED_UNITS = (
    ("东方红林场", "营林"),
    ("青山林场", "营林"),
    ("红旗林场", "营林"),
    ("向阳林场", "营林"),
    ("曙光林场", "营林"),
    ("胜利林场", "营林"),
    ("前进林场", "营林"),
    ("永安林场", "营林"),
    ("兴安林场", "营林"),
    ("松岭林场", "营林"),
    ("白桦林场", "营林"),
    ("翠岗林场", "营林"),
    ("北山林场", "营林"),
    ("南沟林场", "营林"),
    ("金河林场", "营林"),
    ("长青林场", "营林"),
    ("育林林场", "营林"),
    ("新林林场", "营林"),
    ("东山营林所", "营林"),
    ("西山营林所", "营林"),
    ("种苗站", "营林"),
    ("森林调查规划队", "营林"),
    ("森林病虫害防治检疫站", "营林"),
    ("林业科学研究所", "营林"),
    ("贮木场", "安全"),
    ("林产品加工厂", "安全"),
    ("森林消防大队", "安全"),
    ("森林公安分局", "安全"),
    ("木材检查站", "安全"),
    ("林业医院", "民生"),
    ("第一中学", "民生"),
    ("第二中学", "民生"),
    ("实验小学", "民生"),
    ("林业幼儿园", "民生"),
    ("供热公司", "民生"),
    ("供水公司", "民生"),
    ("物业公司", "民生"),
    ("社会保险事业所", "民生"),
    ("广播电视中心", "书记"),
    ("林区建筑工程公司", "民生"),
)

# 部办 (coded BB01..BB14, in this order): (name, key of the leader in charge).
DEPARTMENTS = (
    ("党政办", "局长"),
    ("组织部", "书记"),
    ("宣传部", "书记"),
    ("纪委", "纪委"),
    ("计财科", "局长"),
    ("营林科", "营林"),
    ("资源管理科", "营林"),
    ("人事劳资科", "书记"),
    ("安全生产科", "安全"),
    ("社会事务科", "民生"),
    ("工会", "工会"),
    ("团委", "书记"),
    ("审计科", "纪委"),
    ("信访办", "民生"),
)

# Name pools for unit heads and liaisons: (Chinese, pinyin for the e-mail address).
SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"),
    ("林", "lin"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"),
    ("于", "yu"), ("董", "dong"), ("姜", "jiang"), ("崔", "cui"), ("白", "bai"), ("田", "tian"),
)  # fmt: skip
GIVEN_NAMES = (
    ("海峰", "haifeng"), ("丽娟", "lijuan"), ("志刚", "zhigang"), ("秀梅", "xiumei"), ("建军", "jianjun"),
    ("春艳", "chunyan"), ("晓东", "xiaodong"), ("红霞", "hongxia"), ("国庆", "guoqing"), ("玉兰", "yulan"),
    ("明辉", "minghui"), ("淑芬", "shufen"), ("永胜", "yongsheng"), ("桂琴", "guiqin"), ("立新", "lixin"),
    ("雪梅", "xuemei"), ("宏伟", "hongwei"), ("晓丽", "xiaoli"), ("德福", "defu"), ("艳华", "yanhua"),
    ("长林", "changlin"), ("凤霞", "fengxia"), ("继红", "jihong"), ("金山", "jinshan"), ("慧敏", "huimin"),
    ("振宇", "zhenyu"), ("静", "jing"), ("鹏", "peng"), ("磊", "lei"), ("娜", "na"), ("伟", "wei"),
    ("婷婷", "tingting"), ("海燕", "haiyan"), ("文博", "wenbo"), ("俊杰", "junjie"), ("松涛", "songtao"),
    ("宝林", "baolin"), ("树森", "shusen"), ("玉洁", "yujie"), ("庆丰", "qingfeng"),
)  # fmt: skip

AFFILIATED_POSTS = ("办公室主任", "办公室副主任", "综合办主任", "秘书", "文书", "干事")
DEPARTMENT_POSTS = ("干事", "秘书", "科员", "副科长")

# The demo accounts besides the admin (the admin comes from init-db).
SUPERVISOR_ACCOUNT = ("duchayuan", "王晓燕", "wangxiaoyan@bb01.example.org")  # username, name, e-mail
# A second supervisor, in charge of the 14 departments (分包): their lists open on 我分包的.
DEPARTMENTS_SUPERVISOR_ACCOUNT = ("duchayuan2", "赵志刚", "zhaozhigang@bb01.example.org")
LEADER_ACCOUNT = ("juzhang", "局长")  # username, key of the bureau leader it stands for
LIAISON_ACCOUNT = ("lianluoyuan", "JZ01")  # username, code of the unit whose liaison it is


class DemoItem(NamedTuple):
    """One demo item; `state` picks the story its assignments tell (see demo.plan)."""

    source: ItemSource
    state: str
    lead: str
    co: tuple[str, ...]
    title: str
    content: str
    ordered_by: str | None = None
    instruction: str | None = None
    followup: tuple[str, str] | None = None
    reason: str | None = None
    story: str | None = None  # a three-checks story the demo must tell (see STORIES)


# The three-checks stories the demo always tells, whatever `now` is (demo.plan dates these items so, and their lead
# unit's part): the lead unit of each of these items is silent (or reports too late), and the supervisor follows the
# proposed 不合格 on its checks.
STORIES = {
    # failed checks 1 and 2 (整改通知书 and 通报批评, 黄牌警告 issued); its third check is in this week's queue
    "third_check_due": "第三次督查待裁定",
    # failed all three checks; the 提请追责 was submitted to the leadership and awaits a leader's decision
    "accountability_pending": "提请追责待局领导决定",
    # failed its first check a week ago: the 整改通知书 and the day's 通报批评 are drafts the supervisor has yet to send
    "first_check_failed": "整改通知书待签发",
}

S = ItemSource
# fmt: off
ITEMS = (
    # 便民公开电话: mostly 信访 and 城管, fast one-off answers.
    DemoItem(S.HOTLINE, "closed", "供热公司", (), "东方红林场家属区居民反映冬季室温不达标",
             "来电反映东方红林场家属区3号楼室温长期低于16℃。请核实原因，3个工作日内处理并回复来电人。"),
    DemoItem(S.HOTLINE, "closed", "物业公司", (), "幸福小区楼道照明损坏长期无人维修",
             "来电反映幸福小区5栋楼道声控灯损坏已逾一月。请尽快维修并回访来电人。"),
    DemoItem(S.HOTLINE, "progress", "供水公司", ("社会事务科",), "建设路沿线自来水水压低、水质浑浊",
             "多名居民来电反映建设路沿线早晚高峰水压不足、龙头出水浑浊。请检测水质、排查管网并答复居民。"),
    DemoItem(S.HOTLINE, "overdue", "社会事务科", ("物业公司",), "中心市场周边占道经营、垃圾清运不及时",
             "来电反映中心市场周边摊点占道经营，垃圾堆积清运不及时，影响通行和环境卫生。请集中整治并建立长效机制。"),
    DemoItem(S.HOTLINE, "closed", "社会保险事业所", ("人事劳资科",), "退休职工咨询养老金调整后补发时间",
             "退休职工来电询问本年度养老金调整后差额补发的时间和标准。请核实政策并答复来电人。"),
    DemoItem(S.HOTLINE, "progress", "林区建筑工程公司", ("青山林场",), "青山林场至城区道路坑洼严重影响通行",
             "来电反映青山林场至城区公路多处坑洼、积水，车辆通行困难。请组织维修并答复来电人。"),
    DemoItem(S.HOTLINE, "review", "供热公司", (), "林苑小区供热管网漏水导致地下室积水",
             "来电反映林苑小区供热管网漏水，地下室积水严重。请立即抢修，确保居民正常供暖。"),
    DemoItem(S.HOTLINE, "closed", "林业医院", (), "林业医院门诊挂号排队时间过长",
             "来电反映林业医院门诊早高峰挂号排队时间过长。请优化挂号流程并答复来电人。"),
    DemoItem(S.HOTLINE, "progress", "实验小学", ("森林公安分局",), "实验小学周边上下学时段交通拥堵存在安全隐患",
             "家长来电反映实验小学门前上下学时段车辆乱停、交通拥堵。请会同有关单位疏导交通、消除隐患。"),
    DemoItem(S.HOTLINE, "assigned", "红旗林场", ("森林公安分局",), "红旗林场家属区流浪犬伤人问题",
             "居民来电反映红旗林场家属区流浪犬增多，已发生伤人事件。请采取措施妥善处置并答复来电人。"),
    DemoItem(S.HOTLINE, "overdue", "贮木场", ("人事劳资科", "信访办"), "贮木场临时装卸工反映工资拖欠",
             "多名临时装卸工来电反映贮木场拖欠其三个月工资。请核实情况，依法依规限期解决并答复来电人。",
             followup=("书记", "拖欠工资问题必须限期解决，请信访办跟踪督办，结果报我。")),
    DemoItem(S.HOTLINE, "registered", "物业公司", (), "兴安小区单元门禁损坏无法正常使用",
             "来电反映兴安小区2栋、4栋单元门禁系统损坏，外来人员随意进出。请尽快维修并答复来电人。"),
    # 局党政领导批办事项.
    DemoItem(S.LEADER_INSTRUCTION, "progress", "林区建筑工程公司", ("计财科", "社会事务科"),
             "加快推进棚户区改造回迁安置工作",
             "按计划完成棚户区改造项目主体工程和配套设施建设，做好回迁安置分房工作，确保回迁户按期入住。",
             "局长", "棚改是最大的民生工程，要倒排工期、挂图作战，确保回迁户按期入住。每半月向我报告一次进度。",
             ("局长", "进度仍然偏慢，请分管领导亲自调度，下周一前报送赶工方案。")),
    DemoItem(S.LEADER_INSTRUCTION, "closed", "森林消防大队", ("安全生产科", "东方红林场", "青山林场"),
             "做好秋季森林防火各项准备工作",
             "完成扑火队伍集结训练、物资装备检修补充和重点区域防火隔离带清理，确保防火期开始前全部到位。",
             "局长", "森林防火是头等大事，要立足打早打小打了，各项准备必须在防火期前全部到位。"),
    DemoItem(S.LEADER_INSTRUCTION, "progress", "社会事务科", ("物业公司",), "城区主要街路路灯亮化改造",
             "对城区主要街路老旧路灯进行LED节能改造，修复损坏路灯，做到应亮尽亮。",
             "民生", "路灯关系群众夜间出行安全，要在入冬前完成主要街路改造。",
             ("民生", "请社会事务科每周报一次进度，优先完成学校、医院周边路段。")),
    DemoItem(S.LEADER_INSTRUCTION, "closed", "供热公司", ("安全生产科",), "全面排查供热管网和锅炉设施确保按时供暖",
             "在供暖期前完成锅炉检修、管网试压和煤炭储备，确保按时供暖、室温达标。",
             "局长", "职工供暖无小事，务必在供暖期前完成检修试运行，绝不能让职工群众挨冻。"),
    DemoItem(S.LEADER_INSTRUCTION, "progress", "纪委", ("组织部",), "开展机关作风整顿、提升服务效能",
             "围绕门难进、脸难看、事难办等问题开展机关作风专项整顿，建立首问负责和限时办结制度。",
             "书记", "要动真碰硬，对典型问题点名道姓通报曝光。"),
    DemoItem(S.LEADER_INSTRUCTION, "overdue", "资源管理科", ("森林公安分局", "东方红林场"), "清理回收被违规侵占林地",
             "对东方红林场施业区内违规开垦、侵占林地情况进行全面清查，依法收回并恢复植被。",
             "营林", "要摸清底数、依法处置，能收回的坚决收回，年内完成植被恢复。",
             ("局长", "此事已超期，请资源管理科说明原因，限期整改到位。")),
    DemoItem(S.LEADER_INSTRUCTION, "progress", "营林科", ("种苗站", "林产品加工厂"), "发展蓝莓、食用菌等林下经济产业",
             "制定林下经济发展规划，扶持蓝莓、黑木耳种植大户，推进林产品精深加工和品牌建设。",
             "局长", "林下经济是职工增收的重要渠道，要拿出实打实的扶持措施。"),
    DemoItem(S.LEADER_INSTRUCTION, "review", "安全生产科", ("贮木场", "林产品加工厂", "供热公司"),
             "开展冬季安全生产大检查",
             "对贮木场、加工厂、供热站等重点单位开展拉网式安全检查，建立隐患台账，限期整改销号。",
             "安全", "要横向到边、纵向到底，不留死角，发现隐患立即整改。"),
    DemoItem(S.LEADER_INSTRUCTION, "suspended", "林业医院", ("计财科", "社会保险事业所"), "规范职工医疗费用报销流程",
             "梳理职工医疗费用报销环节，压缩报销时限，实现一站式结算。",
             "民生", "要让职工少跑腿，报销时限压缩一半以上。",
             reason="待上级医保政策调整文件下发后再行推进，暂停办理。"),
    DemoItem(S.LEADER_INSTRUCTION, "overdue", "林业医院", ("计财科",), "林业医院新院区建设前期手续办理",
             "完成新院区项目立项、用地预审、环评和初步设计等前期手续。",
             "局长", "前期手续要专人盯办，争取早日开工。", story="accountability_pending"),
    DemoItem(S.LEADER_INSTRUCTION, "closed", "计财科", ("人事劳资科",), "确保职工工资按时足额发放",
             "统筹资金调度，确保在岗职工工资和各项津补贴按时足额发放，不得拖欠。",
             "局长", "职工工资是底线，任何情况下都要确保按时足额发放。"),
    # 上级转来的领导批示件: results reported back upward.
    DemoItem(S.HIGHER_INSTRUCTION, "closed", "森林消防大队", ("安全生产科", "资源管理科"),
             "落实上级领导关于森林草原防灭火工作的批示",
             "按上级批示要求，全面压实防火责任，加强野外火源管控和24小时值班值守，按时上报落实情况。",
             "局长", "上级批示：“森林草原防灭火工作责任重大，务必严防死守。”请安全副局长牵头落实，按时报送落实情况。"),
    DemoItem(S.HIGHER_INSTRUCTION, "progress", "营林科", ("资源管理科",), "落实上级领导关于天然林保护修复工作的批示",
             "落实天然林保护修复制度方案，完成天保工程管护责任落实和年度核查。",
             "书记", "上级批示：“要把天然林保护修复作为生态建设的重中之重。”请营林副局长牵头，逐项抓好落实。",
             ("书记", "请营林科把管护责任落实情况列表上报，做到一山一坡都有人管。")),
    DemoItem(S.HIGHER_INSTRUCTION, "closed", "资源管理科", ("森林病虫害防治检疫站", "森林公安分局"),
             "落实上级领导关于野生动物保护和疫源疫病监测的批示",
             "加强野生动物栖息地巡护和疫源疫病监测，严厉打击非法猎捕和交易行为，按时上报落实情况。",
             "局长", "上级批示：“野生动物保护和疫病监测不能有丝毫松懈。”请资源管理科牵头落实。"),
    DemoItem(S.HIGHER_INSTRUCTION, "review", "森林调查规划队", ("资源管理科",),
             "落实上级领导关于林草湿生态综合监测工作的批示",
             "按技术规程完成年度林草湿生态综合监测样地调查和数据上报。",
             "营林", "上级批示：“综合监测数据要真实准确。”请调查规划队按期完成并严把质量关。"),
    DemoItem(S.HIGHER_INSTRUCTION, "overdue", "安全生产科", (), "落实上级领导关于安全生产“一岗双责”的批示",
             "全面梳理各单位安全生产“一岗双责”落实情况，形成专题报告上报。",
             "局长", "上级批示：“安全生产必须党政同责、一岗双责。”请安全生产科按时限报送落实情况。",
             story="third_check_due"),
    DemoItem(S.HIGHER_INSTRUCTION, "assigned", "森林病虫害防治检疫站", ("营林科",),
             "落实上级领导关于松材线虫病疫情防控的批示",
             "开展松材线虫病秋季普查，加强疫木和松木制品检疫监管，严防疫情传入。",
             "营林", "上级批示：“松材线虫病防控要关口前移、严防输入。”请森防站牵头落实。"),
    # 重要文件、会议决定事项.
    DemoItem(S.MEETING_DECISION, "closed", "党政办", ("计财科",), "完成机关办公楼节能改造",
             "局党委会议决定：对机关办公楼门窗、外墙保温和照明系统进行节能改造。", "书记"),
    DemoItem(S.MEETING_DECISION, "suspended", "计财科", ("审计科",), "开展全局国有资产清查",
             "局长办公会议决定：对全局固定资产、林木资产和债权债务进行全面清查，摸清家底。", "局长",
             reason="与上级部署的年度审计工作时间冲突，经局长同意暂停，待审计结束后继续。"),
    DemoItem(S.MEETING_DECISION, "overdue", "森林消防大队", ("资源管理科",), "建设森林防火瞭望塔视频监控系统",
             "森林防火工作会议决定：在重点林区瞭望塔加装视频监控和烟火识别系统，实现远程监测。", "安全",
             followup=("安全", "请消防大队说明滞后原因，抓紧完成设备安装调试。")),
    DemoItem(S.MEETING_DECISION, "closed", "贮木场", ("安全生产科",), "整治贮木场楞区消防安全隐患",
             "安全生产委员会会议决定：清理楞区周边杂物，补齐消防栓和灭火器材，畅通消防通道。", "安全"),
    DemoItem(S.MEETING_DECISION, "registered", "营林科", (), "编制下一年度营林生产计划",
             "局长办公会议决定：编制下一年度造林、抚育和种苗生产计划，报局长办公会审议。", "营林"),
    DemoItem(S.MEETING_DECISION, "progress", "纪委", ("审计科",), "开展“三重一大”制度执行情况专项检查",
             "局党委会议决定：对各单位“三重一大”事项集体决策制度执行情况开展专项检查。", "纪委",
             story="first_check_failed"),
    DemoItem(S.MEETING_DECISION, "cancelled", "供水公司", ("计财科",), "推进城区供水管网改造二期工程",
             "局长办公会议决定：启动城区供水管网改造二期工程前期工作。", "局长",
             reason="该工程已纳入上级老旧管网改造项目统一实施，本事项撤销。"),
    # 职工代表建议和提案: every proposal gets an answer.
    DemoItem(S.STAFF_PROPOSAL, "closed", "人事劳资科", ("计财科",), "关于提高一线营林职工野外作业补贴的建议",
             "职代会第12号提案：建议提高一线营林职工野外作业补贴标准。请研究办理并书面答复提案人。"),
    DemoItem(S.STAFF_PROPOSAL, "registered", "工会", ("社会事务科",), "关于在林场家属区增设健身器材的提案",
             "职代会第7号提案：建议在各林场家属区增设健身器材和文体活动场地。请研究办理并答复提案人。"),
    DemoItem(S.STAFF_PROPOSAL, "registered", "营林科", ("东方红林场", "胜利林场"), "关于改善森林管护站点生活条件的建议",
             "职代会第3号提案：建议改善偏远管护站点的饮水、取暖和通讯条件。请研究办理并答复提案人。"),
    DemoItem(S.STAFF_PROPOSAL, "review", "社会事务科", (), "关于开通城区至各林场通勤班车的建议",
             "职代会第15号提案：建议开通城区至各林场的职工通勤班车。请研究办理并答复提案人。"),
    DemoItem(S.STAFF_PROPOSAL, "closed", "团委", ("人事劳资科",), "关于加强青年职工技能培训的提案",
             "职代会第21号提案：建议定期组织青年职工开展营林、防火等岗位技能培训和比武。请研究办理并答复提案人。"),
    DemoItem(S.STAFF_PROPOSAL, "assigned", "实验小学", ("社会事务科",), "关于解决林场职工子女上下学接送问题的建议",
             "职代会第9号提案：建议为远离城区的林场职工子女提供上下学接送服务。请研究办理并答复提案人。"),
    # 党政领导大接访.
    DemoItem(S.RECEPTION_VISIT, "overdue", "林区建筑工程公司", ("前进林场",), "前进林场职工反映棚改回迁房屋渗水问题",
             "大接访日，前进林场职工反映回迁楼部分住户屋面和外墙渗水。", "局长",
             "请建筑公司会同前进林场逐户排查，限期维修到位，并将结果答复来访人。"),
    DemoItem(S.RECEPTION_VISIT, "closed", "计财科", ("社会保险事业所",), "退休职工反映取暖费补贴发放问题",
             "大接访日，退休职工反映取暖费补贴发放不及时、标准不清楚。", "书记",
             "请计财科核实发放情况，向退休职工讲清政策，按时足额发放。"),
    DemoItem(S.RECEPTION_VISIT, "progress", "曙光林场", ("社会事务科",), "曙光林场职工反映危旧房屋维修问题",
             "大接访日，曙光林场职工反映家属区部分平房年久失修，存在安全隐患。", "民生",
             "请曙光林场逐户鉴定，危房先行维修，年内拿出解决方案。"),
    DemoItem(S.RECEPTION_VISIT, "closed", "贮木场", (), "周边商户反映贮木场运材道路扬尘问题",
             "大接访日，贮木场周边商户反映运材车辆通行扬尘严重。", "安全",
             "请贮木场落实洒水降尘措施，并答复来访人。"),
    DemoItem(S.RECEPTION_VISIT, "assigned", "林业医院", ("社会保险事业所",), "职工家属反映异地就医医保结算难",
             "大接访日，职工家属反映在省城住院后医保报销手续繁琐、周期长。", "民生",
             "请医院和社保所研究开通异地就医直接结算，简化手续。"),
    # “两会”重点工作: decomposed per unit and checked every quarter.
    DemoItem(S.KEY_WORK, "progress", "营林科", ("东方红林场", "青山林场", "红旗林场"), "完成年度人工造林和森林抚育任务",
             "“两会”重点工作：完成人工造林1.2万亩、森林抚育8万亩，按季度分解到各林场，季度检查验收。"),
    DemoItem(S.KEY_WORK, "progress", "社会事务科", ("白桦林场", "松岭林场"), "推进森林旅游和生态康养产业发展",
             "“两会”重点工作：完善白桦林景区基础设施，打造森林康养基地，全年接待游客突破5万人次。"),
    DemoItem(S.KEY_WORK, "progress", "资源管理科", ("森林调查规划队",), "完成林地清查和森林资源“一张图”年度更新",
             "“两会”重点工作：完成全局林地变更调查，更新森林资源管理“一张图”数据库。"),
    DemoItem(S.KEY_WORK, "overdue", "人事劳资科", ("社会保险事业所",), "完善林区职工社会保障体系",
             "“两会”重点工作：落实职工养老、医疗保险省级统筹政策，解决历史欠缴问题。"),
    DemoItem(S.KEY_WORK, "review", "纪委", ("组织部", "宣传部"), "深化党风廉政建设和作风建设",
             "“两会”重点工作：落实全面从严治党主体责任，开展廉政警示教育，每季度通报一次检查情况。"),
    # 十项利民工程: monthly circular, reported before the 5th.
    DemoItem(S.BENEFIT_PROJECT, "progress", "供热公司", ("物业公司",), "利民工程：老旧小区供热管网改造",
             "十项利民工程之一：改造老旧小区供热管网12公里，解决末端用户室温偏低问题。每月5日前报送进度。"),
    DemoItem(S.BENEFIT_PROJECT, "progress", "供水公司", (), "利民工程：城区饮用水水质提升",
             "十项利民工程之二：新建净水设备一套，改造二次供水泵站3处，水质达到国家标准。每月5日前报送进度。"),
    DemoItem(S.BENEFIT_PROJECT, "progress", "林区建筑工程公司", ("社会事务科",), "利民工程：林区道路硬化",
             "十项利民工程之三：硬化林场家属区道路15公里。每月5日前报送进度。"),
    DemoItem(S.BENEFIT_PROJECT, "overdue", "林业医院", (), "利民工程：林业医院诊疗设备更新",
             "十项利民工程之四：购置CT、彩超等诊疗设备，提升基层医疗服务能力。每月5日前报送进度。"),
    DemoItem(S.BENEFIT_PROJECT, "closed", "第一中学", ("第二中学", "实验小学"), "利民工程：中小学校舍维修和供暖改造",
             "十项利民工程之五：完成3所学校校舍维修和供暖系统改造，确保冬季教学正常。每月5日前报送进度。"),
    # 阶段性中心任务.
    DemoItem(S.CENTRAL_TASK, "closed", "种苗站", ("物业公司", "社会事务科"), "城区园林绿化提升",
             "补植城区主要街路行道树，布置节日花坛，完成公园绿地养护。", "民生"),
    DemoItem(S.CENTRAL_TASK, "progress", "森林消防大队", ("安全生产科", "东方红林场", "青山林场"),
             "秋冬季森林防火“百日攻坚”专项行动",
             "开展秋冬季森林防火“百日攻坚”行动，严管野外火源，确保不发生重大森林火灾。", "安全"),
    DemoItem(S.CENTRAL_TASK, "review", "宣传部", ("社会事务科", "物业公司"), "城区环境卫生集中整治",
             "开展城区环境卫生集中整治，清理卫生死角，规范广告牌匾，营造整洁有序的城区环境。", "书记"),
)
# fmt: on

# Feedback phrases (落实情况反馈表).
INTERIM_PROGRESS = (
    "接到督查通知后，我单位立即召开班子会议传达落实，成立了由主要负责人任组长的工作专班，目前已完成约{p}%。",
    "已完成现场踏查和基础情况摸底，制定了具体实施方案，各项工作正按计划推进，完成约{p}%。",
    "主体工作已全面展开，按时间节点推进，截至目前完成约{p}%。",
    "已完成前期准备和第一阶段任务，正在组织第二阶段实施，总体进度约{p}%。",
)
FINAL_PROGRESS = {
    ItemSource.HOTLINE: "经现场核实，来电反映问题属实。我单位已组织人员完成整改，问题已解决，处理结果已电话告知来电人"
    "。",
    ItemSource.STAFF_PROPOSAL: "已对提案认真研究并形成书面答复意见，单位负责人已与提案人当面沟通办理情况。",
    ItemSource.RECEPTION_VISIT: "已对来访人反映的问题逐项核实，解决方案已落实到位，并已向来访人反馈办理结果。",
    ItemSource.HIGHER_INSTRUCTION: "已按批示要求完成各项工作，办理结果已形成书面报告，经局领导审签后按时限上报。",
}
DEFAULT_FINAL_PROGRESS = "各项工作已全部完成，达到预期目标，相关资料已整理归档。"
MEASURES = (
    "一是主要领导亲自部署，分管领导靠前指挥；二是建立周调度制度，每周汇总进展；三是任务分解到科室和个人，实行销号管理。",
    "一是召开专题会议研究部署；二是明确责任人和完成时限；三是加强与协办单位沟通协调，形成工作合力。",
    "成立工作专班，实行挂图作战、倒排工期，每日调度，确保按时完成。",
    "加强资金和物资保障，优先安排专项资金，落实专人跟踪督办。",
)
PROBLEMS = (
    "资金到位较慢，部分材料价格上涨。",
    "入冬后气温较低，室外作业受到一定影响。",
    "涉及多个部门协调，个别环节进度偏慢。",
    "专业技术人员不足。",
    "暂无。",
)
NEXT_STEPS = (
    "下一步将加快推进，确保在规定时限内全面完成任务，并及时反馈办理结果。",
    "继续加强调度，倒排工期，确保按期完成。",
    "针对存在问题积极协调解决，按月报送工作进展。",
)
FINAL_NEXT_STEPS = "建立长效机制，巩固办理成果，防止问题反弹。"
ACCEPT_COMMENTS = ("反馈内容翔实，措施具体，同意。", "经核实，办理情况属实，同意办结。", "符合要求，同意。")
INTERIM_ACCEPT_COMMENTS = ("阶段进展符合要求，请继续按计划推进。", "已阅，请按时报送下期进展。")
RETURN_COMMENTS = (
    "反馈内容过于笼统，请补充具体完成量和时间节点后重新报送。",
    "缺少办理结果的佐证材料和群众回访情况，请补充后重新报送。",
)
UNSATISFACTORY_COMMENTS = ("未按要求完成阶段任务，措施不实，判定不合格，请限期整改到位。",)

# The office's answer to the caller or proposer (答复), recorded once every unit's share is done.
ANSWERS = {
    ItemSource.HOTLINE: (
        "已将办理结果电话答复来电人，说明了问题原因和整改情况，并告知后续监督电话。",
        "督查室电话回访来电人，告知问题已处理完毕，来电人确认情况属实。",
    ),
    ItemSource.STAFF_PROPOSAL: (
        "已将提案办理情况书面答复提案人，并由承办单位负责人当面解释政策和下一步安排。",
        "提案答复函已送达提案人，承办单位就落实措施和时间安排作了说明。",
    ),
    ItemSource.RECEPTION_VISIT: (
        "已将办理结果当面告知来访人，来访人对处理结果表示认可。",
        "督查室会同承办单位向来访人书面反馈了办理结果和后续安排。",
    ),
}

# 延期申请: why a unit asks for more time, and how the supervisor approves.
EXTENSION_REASONS = (
    "受降雪天气影响，室外施工无法按原计划进行，申请延期完成。",
    "所需专项资金尚待上级拨付，设备采购流程未能按期完成，申请延期。",
    "涉及多个单位协调，部分事项需提交局长办公会研究，申请适当延长时限。",
)
EXTENSION_APPROVALS = ("理由充分，同意延期，请按新时限完成。", "同意延期，请抓紧推进并按期反馈。")

# The supervisor's verdicts on the checks (督查意见), by what the check found.
CHECK_PASS_COMMENTS = (
    "贯彻及时，措施具体可行，进度符合要求。",
    "已按要求报送，工作有序推进，评定合格。",
    "经审阅报送材料，阶段任务完成较好。",
)
CHECK_PENDING_PASS_COMMENTS = (
    "督查时反馈尚在审核，经审核反馈内容属实、措施可行，评定合格。",
    "待审核的反馈已审阅，工作进展符合要求，评定合格。",
)
CHECK_OVERRIDE_COMMENTS = (
    "系统建议不合格（未见书面报送），经现场督查，该单位已传达部署并落实专人，工作正常推进，评定合格，请今后按时报送。",
    "书面反馈未按时报送，但现场督查看到整改已见成效，评定合格，提醒按时报送材料。",
)
CHECK_SAME_DAY_COMMENT = "督查当日已报送反馈（系统生成记录时尚未收到），经审核符合要求，评定合格。"
CHECK_IN_PERSON_NOTES = (
    "督查室到现场查看，听取单位负责人汇报，查阅会议记录和工作台账。",
    "现场察看施工进度，与一线负责人座谈，核实完成量。",
)
CHECK_FAIL_COMMENTS = {
    1: ("截至督查日未报送贯彻落实情况，未见具体工作措施，请立即整改并报送整改情况。",
        "传达部署滞后，工作措施不具体，进度明显落后于时间节点。"),
    2: ("下发整改通知书后仍未见整改成效，整改不到位。", "整改措施未落实，工作效果不明显。"),
    3: ("至完成时限仍未完成任务，有令不行，建议提请局党委、林业局追究责任。",
        "逾期未完成，且未说明原因，未履行应尽职责。"),
}  # fmt: skip
CHECK_EXTRA_GROUNDS = {
    1: ("不按时传达贯彻", "没有切实可行的措施", "行动迟缓"),
    2: ("整改不到位",),
    3: ("有令不行、有禁不止",),
}
ACCOUNTABILITY_AGREED = ("同意追责，请纪委牵头依规依纪处理。", "同意，请组织部、纪委按程序办理。")
ACCOUNTABILITY_DECLINED = ("该单位已说明客观原因并提出补救措施，暂不追责，由分管领导约谈主要负责人。",)
